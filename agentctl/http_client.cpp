#include "agentctl/http_client.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "agentctl/command_error.hpp"
#include "agentctl/event_format.hpp"
#include "agentctl/host_reply.hpp"
#include "agentctl/transport.hpp"
#include "json/parse.hpp"

namespace agenthost::agentctl {

namespace http = boost::beast::http;
namespace beast = boost::beast;
namespace net = boost::asio;

std::string encode_path_segment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '@';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

HttpClient::HttpClient(HostUrl url, std::optional<std::string> token, std::chrono::seconds timeout)
    : url_(std::move(url)), token_(std::move(token)), timeout_(timeout) {}

HttpReply HttpClient::send(std::string_view method, std::string_view path,
                           std::string_view body) const {
  net::io_context io;
  beast::tcp_stream stream(io);
  detail::connect(io, stream, url_);

  http::request<http::string_body> request(http::string_to_verb(method), url_.target(path), 11);
  request.set(http::field::host, url_.host_header());
  request.set(http::field::user_agent, "agentctl");
  request.set(http::field::accept, "application/json");
  if (token_) request.set(http::field::authorization, "Bearer " + *token_);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = std::string(body);
  request.keep_alive(false);
  request.prepare_payload();

  beast::error_code ec;
  bool done = false;
  stream.expires_after(timeout_);
  http::async_write(stream, request, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  detail::run_until(io, done);
  // A refusal may come before the body is all written; read the answer regardless.
  const bool write_failed = static_cast<bool>(ec);
  const auto write_error = ec;

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{256} << 20);
  done = false;
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  detail::run_until(io, done);
  if (ec) {
    const auto& cause = write_failed ? write_error : ec;
    detail::throw_unreachable(url_, "no answer to " + std::string(method) + " " +
                                        std::string(path) + ": " +
                                        detail::describe_network_error(cause, timeout_));
  }
  beast::error_code ignored;
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);

  const auto& response = parser.get();
  HttpReply reply;
  reply.status = response.result_int();
  reply.body = response.body();
  if (auto it = response.find(http::field::retry_after); it != response.end())
    reply.retry_after = std::string(it->value());
  return reply;
}

boost::json::value HttpClient::call(std::string_view method, std::string_view path,
                                    std::string_view body) const {
  const auto reply = send(method, path, body);
  if (reply.status < 200 || reply.status > 299)
    throw CommandError(ExitCode::failed, describe_http_refusal(reply.status, reply.body,
                                                               has_token(), reply.retry_after));
  auto parsed = agenthost::json::parse(reply.body);
  auto* value = std::get_if<boost::json::value>(&parsed);
  if (!value)
    throw CommandError(ExitCode::failed, "the host's answer to " + std::string(method) + " " +
                                             std::string(path) + " is not JSON: '" +
                                             one_line(reply.body, 200) + "'");
  return std::move(*value);
}

}  // namespace agenthost::agentctl
