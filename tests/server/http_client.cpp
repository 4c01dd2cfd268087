// The test client, part 1: HTTP requests.
#include "server/test_client.hpp"

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
#include "json/parse.hpp"

namespace agenthost::server::test {

using namespace detail;

// Read as the host reads (numbers correctly rounded), so the tests see exact values.
boost::json::value HttpResponse::json() const {
  auto parsed = agenthost::json::parse(body, {.max_depth = 64});
  if (auto* error = std::get_if<agenthost::json::ParseError>(&parsed))
    throw std::runtime_error("the body is not JSON: " + error->describe());
  return std::move(std::get<boost::json::value>(parsed));
}

std::string HttpResponse::error_code() const {
  const auto parsed = agenthost::json::parse(body);
  const auto* v = std::get_if<boost::json::value>(&parsed);
  if (!v || !v->is_object()) return "";
  const auto* error = v->as_object().if_contains("error");
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

}  // namespace agenthost::server::test
