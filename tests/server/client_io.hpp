#pragma once
// Internals of the test client shared by http_client.cpp and ws_client.cpp:
// deadline-bounded asynchronous operations on one io_context.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <string>

#include "server/test_client.hpp"

namespace agenthost::server::test::detail {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Starts an asynchronous operation with `start(handler)` and runs `io` until it
// completes or `timeout` passes; then cancels it and returns false.
template <class Start>
bool run_op(net::io_context& io, tcp::socket& socket, std::chrono::milliseconds timeout,
            Start start, beast::error_code& ec) {
  bool done = false;
  io.restart();
  start([&](beast::error_code e, auto&&...) {
    ec = e;
    done = true;
  });
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < until)
    if (io.run_one_until(until) == 0 && io.stopped()) break;
  if (done) return true;
  beast::error_code ignored;
  socket.cancel(ignored);
  socket.close(ignored);
  io.restart();
  while (!done && io.run_one() > 0) {
  }
  return false;
}

inline void connect_socket(tcp::socket& socket, std::uint16_t port, int receive_buffer_bytes) {
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  socket.open(endpoint.protocol());
  if (receive_buffer_bytes > 0)
    socket.set_option(net::socket_base::receive_buffer_size(receive_buffer_bytes));
  socket.connect(endpoint);
  socket.set_option(tcp::no_delay(true));
}

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

inline HttpResponse to_response(const bhttp::response<bhttp::string_body>& r) {
  HttpResponse out;
  out.status = r.result_int();
  for (const auto& field : r)
    out.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  out.body = r.body();
  return out;
}

inline std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

inline std::string ws_target(const WsOptions& options, const std::string& path) {
  return options.access_token ? path + "?access_token=" + percent_encode(*options.access_token)
                              : path;
}

}  // namespace agenthost::server::test::detail
