#include "server/http_session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "auth/authenticator.hpp"
#include "server/http_router.hpp"
#include "server/websocket_session.hpp"

namespace agenthost::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

std::string describe_remote(const net::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// The path of a target without its query: targets may carry access_token.
std::string_view path_only(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), std::size_t{200}));
}

}  // namespace

void HttpSession::start(net::ip::tcp::socket socket, ServerState& state) {
  auto session = std::make_shared<HttpSession>(std::move(socket), state);
  session->registry_id_ = state.sessions.add(session);
  auto admission = state.unauthenticated.admit(session);
  session->unauthenticated_id_ = admission.id;
  if (admission.evicted) {
    spdlog::debug("{} unauthenticated connections open: the oldest is closed",
                  state.options.max_unauthenticated_connections);
    admission.evicted->shut_down();
  }
  net::dispatch(session->stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read, session));
}

HttpSession::HttpSession(net::ip::tcp::socket socket, ServerState& state)
    : stream_(std::move(socket)), state_(state), remote_(describe_remote(stream_.socket())) {}

HttpSession::~HttpSession() {
  state_.unauthenticated.leave(unauthenticated_id_);
  if (!user_id_.empty()) state_.http_connections.remove(user_id_);
  if (registry_id_ != 0) state_.sessions.remove(registry_id_);
}

void HttpSession::shut_down() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    // Aborts a pending read; a request being answered is dropped when it returns.
    beast::error_code ignored;
    self->stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    self->stream_.close();
  });
}

void HttpSession::do_read() {
  if (closing_) return;
  parser_.emplace();
  parser_->body_limit(state_.options.max_message_bytes);
  admitted_user_.clear();
  // A client not known yet gets the handshake's time for its headers; a user's
  // keep-alive connection may wait idle between requests.
  stream_.expires_after(user_id_.empty() ? state_.options.handshake_timeout
                                         : state_.options.idle_timeout);
  // The header first: it is authenticated before any body is read, and a client
  // sending "Expect: 100-continue" (curl does, for bodies over 1 KiB) waits for our
  // go-ahead before it sends the body.
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec || closing_) return on_read(ec, bytes);
  const auto& head = parser_->get();
  // An upgrade is authenticated by handle_upgrade (the token may be in the query).
  if (beast::websocket::is_upgrade(head)) {
    if (!parser_->is_done())
      return send(error_response(make_error(400, error_code::bad_request,
                                            "a WebSocket upgrade request has no body")),
                  false);
    return on_read(ec, bytes);
  }
  version_ = head.version() == 10 ? 10 : 11;
  const auto admission = state_.api.admit(ApiRequest{std::string(head.method_string()),
                                                     std::string(head.target()),
                                                     std::string(head[http::field::authorization]),
                                                     {},
                                                     remote_,
                                                     {}});
  // A refusal is answered without reading the body; the connection stays open only
  // when there is no body left unread.
  if (admission.refusal) return send(*admission.refusal, head.keep_alive() && parser_->is_done());
  if (!admission.user_id.empty() && !hold_for(admission.user_id)) {
    const auto limit = state_.http_connections.limit();
    spdlog::info("{}: user {} is at {} HTTP connections; request refused", remote_,
                 admission.user_id, limit);
    auto error = make_error(
        429, error_code::too_many_connections,
        "too many open HTTP connections for this user (limit " + std::to_string(limit) + ")");
    error.retry_after = std::chrono::seconds(1);
    return send(error_response(error), false);
  }
  // Requests without credentials (/healthz, /readyz, /metrics) carry no body.
  if (admission.user_id.empty() && !parser_->is_done())
    return send(error_response(make_error(400, error_code::bad_request,
                                          "this endpoint takes no request body")),
                false);
  admitted_user_ = admission.user_id;
  if (parser_->is_done()) return on_read(ec, bytes);
  stream_.expires_after(state_.options.idle_timeout);
  const auto expect = head[http::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    return net::async_write(stream_, net::buffer(kContinue),
                            [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                              if (write_ec) return self->on_read(write_ec, 0);
                              self->read_body();
                            });
  }
  read_body();
}

bool HttpSession::hold_for(const std::string& user_id) {
  if (user_id == user_id_) return true;
  if (!state_.http_connections.try_add(user_id)) return false;
  if (!user_id_.empty()) state_.http_connections.remove(user_id_);
  user_id_ = user_id;
  state_.unauthenticated.leave(unauthenticated_id_);
  unauthenticated_id_ = 0;
  return true;
}

void HttpSession::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (closing_) return;
  if (ec == net::error::operation_aborted || ec == beast::error::timeout ||
      ec == net::error::connection_reset) {
    closing_ = true;
    return stream_.close();
  }
  if (ec == http::error::end_of_stream || ec == net::error::eof) return do_close();
  if (ec == http::error::body_limit) {
    const auto error = make_error(
        413, error_code::payload_too_large,
        "request body larger than " + std::to_string(state_.options.max_message_bytes) + " bytes");
    return send(error_response(error), false);
  }
  if (ec == http::error::header_limit) {
    return send(
        error_response(make_error(431, error_code::bad_request, "request headers too large")),
        false);
  }
  if (ec) {
    spdlog::debug("{}: unreadable HTTP request: {}", remote_, ec.message());
    return send(error_response(make_error(400, error_code::bad_request,
                                          "malformed HTTP request: " + ec.message())),
                false);
  }
  if (beast::websocket::is_upgrade(parser_->get())) return handle_upgrade();
  handle_request();
}

void HttpSession::handle_upgrade() {
  const auto& request = parser_->get();
  const auto route =
      server::route(std::string_view(request.method_string()), std::string_view(request.target()));
  if (!route.matched() || route.endpoint != Endpoint::websocket)
    return send(error_response(make_error(404, error_code::not_found,
                                          "WebSocket upgrades are served at GET /v1/ws only")),
                false);
  if (state_.stopping.load())
    return send(error_response(make_error(503, error_code::shutting_down, "the host is stopping")),
                false);

  // Browsers cannot set headers on a WebSocket: access_token in the query instead.
  const auto header = request[http::field::authorization];
  const auto* query_token = route.target.query_value("access_token");
  // Kept as a header value either way: a reload checks it again (credentials_changed).
  const std::string authorization =
      !header.empty() || !query_token ? std::string(header) : "Bearer " + *query_token;
  const auto auth = state_.deps.authenticator.authenticate_header(authorization);
  if (!auth.ok()) {
    state_.counters.auth_failures.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("{} GET /v1/ws: upgrade refused: {}", remote_, auth.reason);
    return send(unauthorized_response(auth::client_message(auth.failure)), false);
  }
  if (!state_.connections.try_add(auth.user_id)) {
    const auto limit = state_.connections.limit();
    spdlog::info("{} GET /v1/ws: user {} is at {} connections; upgrade refused", remote_,
                 auth.user_id, limit);
    auto error =
        make_error(429, error_code::too_many_connections,
                   "too many open connections for this user (limit " + std::to_string(limit) + ")");
    error.retry_after = std::chrono::seconds(1);
    return send(error_response(error), false);
  }
  // The WebSocket session owns the socket from here on (and the connection slot).
  stream_.expires_never();
  WebSocketSession::start(stream_.release_socket(), state_,
                          SessionCredentials{auth.user_id, authorization, auth.valid_until},
                          remote_, parser_->release());
  closing_ = true;
}

void HttpSession::handle_request() {
  auto request = parser_->release();
  ApiRequest api_request{std::string(request.method_string()),
                         std::string(request.target()),
                         std::string(request[http::field::authorization]),
                         std::move(request.body()),
                         remote_,
                         std::move(admitted_user_)};
  const bool keep_alive = request.keep_alive();
  // The answer may need the database: never on an I/O thread.
  net::post(state_.request_pool, [self = shared_from_this(), api_request = std::move(api_request),
                                  keep_alive]() mutable {
    auto response = self->state_.api.handle(api_request);
    spdlog::debug("{} {} {} -> {}", self->remote_, api_request.method,
                  path_only(api_request.target), response.status);
    net::post(self->stream_.get_executor(),
              [self, response = std::move(response), keep_alive]() mutable {
                self->send(std::move(response), keep_alive);
              });
  });
}

void HttpSession::send(ApiResponse api_response, bool keep_alive) {
  if (closing_) return;
  if (api_response.status == 413 || api_response.status == 431) keep_alive = false;
  auto response =
      std::make_shared<Response>(static_cast<http::status>(api_response.status), version_);
  response->set(http::field::server, "agenthost");
  response->set(http::field::content_type, api_response.content_type);
  response->set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : api_response.headers) response->set(name, value);
  response->keep_alive(keep_alive && !state_.stopping.load());
  response->body() = std::move(api_response.body);
  response->prepare_payload();
  response_ = response;
  stream_.expires_after(state_.options.write_timeout);
  http::async_write(stream_, *response,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                              response->keep_alive()));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec) return do_close();
  if (!keep_alive) return do_close();
  do_read();
}

void HttpSession::do_close() {
  if (closing_) return;
  closing_ = true;
  // Lingering close: stop sending, then read and discard until the client closes
  // (or a short deadline), so that a client still sending a refused body reads our
  // answer instead of a connection reset.
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::min<std::chrono::milliseconds>(state_.options.handshake_timeout,
                                                            std::chrono::seconds(2)));
  drain();
}

void HttpSession::drain() {
  stream_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->stream_.close();
                            self->drain();
                          });
}

}  // namespace agenthost::server
