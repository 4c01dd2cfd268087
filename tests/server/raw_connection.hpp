#pragma once
/// \file
/// RawConnection: a bare TCP connection to the test host, for what the Beast client
/// does not do: headers sent in pieces, bodies announced and never sent, sockets
/// that stay idle, several requests on one keep-alive connection. Every read is
/// bounded by a deadline.

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/client_io.hpp"

namespace agenthost::server::test {

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : socket_(io_) {
    detail::connect_socket(socket_, port, 0);
  }

  void write(std::string_view text) {
    detail::net::write(socket_, detail::net::buffer(text.data(), text.size()));
  }

  /// Reads one HTTP response (100 Continue counts as one); status 0 when the
  /// connection ended or the deadline passed first.
  unsigned read_status(std::chrono::milliseconds deadline = kDeadline) {
    detail::bhttp::response_parser<detail::bhttp::string_body> parser;
    detail::beast::error_code ec;
    const bool done = detail::run_op(
        io_, socket_, deadline,
        [&](auto handler) { detail::bhttp::async_read_header(socket_, buffer_, parser, handler); },
        ec);
    if (!done || ec) return 0;
    if (parser.get().result_int() / 100 == 1) return parser.get().result_int();
    const bool body_done = detail::run_op(
        io_, socket_, deadline,
        [&](auto handler) { detail::bhttp::async_read(socket_, buffer_, parser, handler); }, ec);
    if (!body_done || ec) return 0;
    return parser.get().result_int();
  }

  /// True when the server closes the connection within `deadline` (whatever it
  /// sent before is discarded); false when it is still open then.
  bool closed_within(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      detail::beast::error_code ec;
      if (!detail::run_op(
              io_, socket_, left,
              [&](auto handler) { socket_.async_read_some(detail::net::buffer(chunk_), handler); },
              ec))
        return false;
      if (ec) return true;
    }
  }

 private:
  detail::net::io_context io_;
  detail::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::array<char, 4096> chunk_{};
};

/// "METHOD TARGET HTTP/1.1" headers with `extra` header lines (each ending in \r\n).
inline std::string request_head(std::string_view method, std::string_view target,
                                std::string_view extra = {}) {
  return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
         std::string(extra) + "\r\n";
}

}  // namespace agenthost::server::test
