// The test client, part 2: the WebSocket client and raw-socket helpers.
#include "server/test_client.hpp"

#include "json/parse.hpp"
#include "server/client_io.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
namespace agenthost::server::test {

using namespace detail;
namespace websocket = beast::websocket;

std::string WsRead::type() const {
  const auto* t = message.if_contains("type");
  return t && t->is_string() ? std::string(t->as_string()) : "";
}

struct WsClient::Impl {
  net::io_context io;
  websocket::stream<tcp::socket> ws{io};
  beast::flat_buffer buffer;
  bool broken = false;
};

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsClient::~WsClient() = default;

namespace {

// Connects and handshakes; `response` receives the server's answer.
beast::error_code handshake(WsClient::Impl& impl, std::uint16_t port, const WsOptions& options,
                            const std::string& target, websocket::response_type& response) {
  connect_socket(impl.ws.next_layer(), port, options.receive_buffer_bytes);
  if (options.bearer) {
    impl.ws.set_option(websocket::stream_base::decorator(
        [token = *options.bearer](websocket::request_type& request) {
          request.set(bhttp::field::authorization, "Bearer " + token);
        }));
  }
  beast::error_code ec;
  if (!run_op(
          impl.io, impl.ws.next_layer(), kDeadline,
          [&](auto handler) {
            impl.ws.async_handshake(response, "127.0.0.1", ws_target(options, target),
                                    std::move(handler));
          },
          ec))
    throw std::runtime_error("WebSocket handshake timed out");
  return ec;
}

}  // namespace

std::unique_ptr<WsClient> WsClient::connect(std::uint16_t port, const WsOptions& options) {
  auto impl = std::make_unique<Impl>();
  websocket::response_type response;
  if (auto ec = handshake(*impl, port, options, "/v1/ws", response))
    throw std::runtime_error("WebSocket upgrade refused: HTTP " +
                             std::to_string(response.result_int()) + " " + response.body() + " (" +
                             ec.message() + ")");
  return std::unique_ptr<WsClient>(new WsClient(std::move(impl)));
}

HttpResponse WsClient::refused_upgrade(std::uint16_t port, const WsOptions& options,
                                       const std::string& target) {
  Impl impl;
  websocket::response_type response;
  if (!handshake(impl, port, options, target, response))
    throw std::runtime_error("WebSocket upgrade unexpectedly accepted");
  return to_response(response);
}

void WsClient::send_text(const std::string& text) {
  if (impl_->broken) throw std::runtime_error("WsClient used after a failure");
  impl_->ws.text(true);
  beast::error_code ec;
  if (!run_op(
          impl_->io, impl_->ws.next_layer(), kDeadline,
          [&](auto handler) { impl_->ws.async_write(net::buffer(text), std::move(handler)); },
          ec) ||
      ec) {
    impl_->broken = true;
    throw std::runtime_error("WebSocket write failed: " + ec.message());
  }
}

void WsClient::send(const boost::json::object& frame) { send_text(boost::json::serialize(frame)); }

void WsClient::send_binary(const std::string& data) {
  impl_->ws.binary(true);
  beast::error_code ec;
  run_op(
      impl_->io, impl_->ws.next_layer(), kDeadline,
      [&](auto handler) { impl_->ws.async_write(net::buffer(data), std::move(handler)); }, ec);
  impl_->ws.text(true);
  if (ec) throw std::runtime_error("WebSocket write failed: " + ec.message());
}

WsRead WsClient::read(std::chrono::milliseconds timeout) {
  WsRead out;
  if (impl_->broken) {
    out.error = "client already failed";
    return out;
  }
  beast::error_code ec;
  impl_->buffer.clear();
  if (!run_op(
          impl_->io, impl_->ws.next_layer(), timeout,
          [&](auto handler) { impl_->ws.async_read(impl_->buffer, std::move(handler)); }, ec)) {
    impl_->broken = true;
    out.kind = WsRead::Kind::timeout;
    return out;
  }
  if (ec == websocket::error::closed) {
    impl_->broken = true;
    out.kind = WsRead::Kind::closed;
    out.close_code = impl_->ws.reason().code;
    return out;
  }
  if (ec) {
    impl_->broken = true;
    out.kind = WsRead::Kind::error;
    out.error = ec.message();
    return out;
  }
  out.text = beast::buffers_to_string(impl_->buffer.data());
  auto parsed = agenthost::json::parse(out.text, {.max_depth = 64});
  auto* value = std::get_if<boost::json::value>(&parsed);
  if (!value || !value->is_object()) {
    out.kind = WsRead::Kind::error;
    out.error = "not a JSON object: " + out.text.substr(0, 200);
    return out;
  }
  out.kind = WsRead::Kind::message;
  out.message = std::move(value->as_object());
  return out;
}

std::vector<boost::json::object> WsClient::read_until(
    const std::function<bool(const boost::json::object&)>& pred,
    std::chrono::milliseconds deadline) {
  std::vector<boost::json::object> frames;
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto r = read(std::max(left, std::chrono::milliseconds(1)));
    if (!r.is_message())
      throw std::runtime_error("read_until: " +
                               std::string(r.kind == WsRead::Kind::timeout ? "deadline passed"
                                           : r.kind == WsRead::Kind::closed
                                               ? "closed with " + std::to_string(r.close_code)
                                               : "error " + r.error) +
                               " after " + std::to_string(frames.size()) + " frames");
    frames.push_back(r.message);
    if (pred(frames.back())) return frames;
  }
}

WsClient::Ending WsClient::read_until_closed(std::chrono::milliseconds deadline) {
  Ending ending;
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto r = read(std::max(left, std::chrono::milliseconds(1)));
    if (r.is_message()) {
      ending.frames.push_back(std::move(r.message));
      continue;
    }
    ending.last = std::move(r);
    return ending;
  }
}

void WsClient::close() {
  if (impl_->broken) return;
  beast::error_code ec;
  run_op(
      impl_->io, impl_->ws.next_layer(), std::chrono::seconds(5),
      [&](auto handler) {
        impl_->ws.async_close(websocket::close_code::normal, std::move(handler));
      },
      ec);
  impl_->broken = true;
}

std::string str(const boost::json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  return "<not a string: " + boost::json::serialize(value) + ">";
}

std::vector<boost::json::object> events_of(const std::vector<boost::json::object>& frames,
                                           const std::string& run_id) {
  std::vector<boost::json::object> out;
  for (const auto& f : frames) {
    const auto* run = f.if_contains("run_id");
    if (f.contains("seq") && run && run->is_string() && run->as_string() == run_id)
      out.push_back(f);
  }
  return out;
}

bool raw_upgrade_and_wait_for_close(std::uint16_t port, const std::string& token,
                                    std::chrono::milliseconds deadline) {
  net::io_context io;
  tcp::socket socket(io);
  connect_socket(socket, port, 0);
  const std::string request =
      "GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Authorization: Bearer " +
      token + "\r\n\r\n";
  net::write(socket, net::buffer(request));
  std::string received;
  std::array<char, 4096> chunk{};
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    beast::error_code ec;
    std::size_t n = 0;
    bool done = false;
    io.restart();
    socket.async_read_some(net::buffer(chunk), [&](beast::error_code e, std::size_t bytes) {
      ec = e;
      n = bytes;
      done = true;
    });
    io.run_for(left);
    if (!done) {
      socket.close();
      io.restart();
      io.run();
      return false;
    }
    if (ec) {
      // The server ended the connection: it must have accepted the upgrade first.
      return received.rfind("HTTP/1.1 101", 0) == 0;
    }
    received.append(chunk.data(), n);
  }
}

}  // namespace agenthost::server::test
