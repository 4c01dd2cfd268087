#include "server/test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace agenthost::server::test {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

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

void connect_socket(tcp::socket& socket, std::uint16_t port, int receive_buffer_bytes) {
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  socket.open(endpoint.protocol());
  if (receive_buffer_bytes > 0)
    socket.set_option(net::socket_base::receive_buffer_size(receive_buffer_bytes));
  socket.connect(endpoint);
  socket.set_option(tcp::no_delay(true));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

HttpResponse to_response(const bhttp::response<bhttp::string_body>& r) {
  HttpResponse out;
  out.status = r.result_int();
  for (const auto& field : r)
    out.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  out.body = r.body();
  return out;
}

std::string percent_encode(const std::string& s) {
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

std::string ws_target(const WsOptions& options, const std::string& path) {
  return options.access_token ? path + "?access_token=" + percent_encode(*options.access_token)
                              : path;
}

}  // namespace

boost::json::value HttpResponse::json() const { return boost::json::parse(body); }

std::string HttpResponse::error_code() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  const auto* error = v.as_object().if_contains("error");
  if (!error || !error->is_object()) return "";
  const auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->as_string()) : "";
}

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpResponse http(std::uint16_t port, const HttpRequest& request) {
  net::io_context io;
  tcp::socket socket(io);
  connect_socket(socket, port, 0);
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(request.method), request.target, 11);
  if (req.method() == bhttp::verb::unknown) req.method_string(request.method);
  req.set(bhttp::field::host, "127.0.0.1");
  if (request.token) req.set(bhttp::field::authorization, "Bearer " + *request.token);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = request.body;
  req.keep_alive(false);
  req.prepare_payload();
  beast::error_code ec;
  if (!run_op(
          io, socket, kDeadline,
          [&](auto handler) { bhttp::async_write(socket, req, std::move(handler)); }, ec))
    throw std::runtime_error("HTTP write timed out");
  // The server drains a refused body, so the whole request is written first.
  beast::flat_buffer buffer;
  std::vector<unsigned> interim;
  for (;;) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    if (!run_op(
            io, socket, kDeadline,
            [&](auto handler) { bhttp::async_read(socket, buffer, parser, std::move(handler)); },
            ec))
      throw std::runtime_error("HTTP read timed out");
    if (ec) throw std::runtime_error("HTTP read failed: " + ec.message());
    if (parser.get().result_int() / 100 == 1) {  // 100 Continue: the answer follows
      interim.push_back(parser.get().result_int());
      continue;
    }
    auto response = to_response(parser.get());
    response.interim = std::move(interim);
    return response;
  }
}

HttpResponse http_get(std::uint16_t port, const std::string& target,
                      const std::optional<std::string>& token) {
  return http(port, HttpRequest{"GET", target, "", token, {}});
}

HttpResponse http_post(std::uint16_t port, const std::string& target, const std::string& body,
                       const std::optional<std::string>& token) {
  return http(port, HttpRequest{"POST", target, body, token, {}});
}

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
  boost::system::error_code parse_ec;
  auto value = boost::json::parse(out.text, parse_ec);
  if (parse_ec || !value.is_object()) {
    out.kind = WsRead::Kind::error;
    out.error = "not a JSON object: " + out.text.substr(0, 200);
    return out;
  }
  out.kind = WsRead::Kind::message;
  out.message = std::move(value.as_object());
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
