#pragma once
/// \file
/// HttpSession: one HTTP/1.1 connection. Reads a request's headers, routes and
/// authenticates them (ApiHandler::admit) before anything else: only then does it
/// send 100 Continue and read a body (limited to max_message_bytes); a refused
/// request is answered at once and its body never read. ApiHandler answers on a
/// request thread; the answer is written and the next request read (keep-alive). A
/// WebSocket upgrade of GET /v1/ws is authenticated here and handed over to a
/// WebSocketSession; a refused one gets an HTTP error (401, 404, 429, 503). All of
/// it on the connection's strand. Internal.
///
/// Limits before the client is known: until a request authenticates, the
/// connection is in the server's pool of unauthenticated connections (capped; the
/// oldest is evicted, see UnauthenticatedConnections) and each request's headers
/// must arrive within handshake_timeout. From its first authenticated request on,
/// the connection counts against its user's HTTP connection cap
/// (max_connections_per_user; over it: 429 and close) and waits idle_timeout for
/// the next request.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "server/api_handler.hpp"
#include "server/server_state.hpp"
#include "server/session_registry.hpp"

namespace agenthost::server {

class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  /// Creates the session for an accepted socket, registers it and starts reading.
  static void start(boost::asio::ip::tcp::socket socket, ServerState& state);

  HttpSession(boost::asio::ip::tcp::socket socket, ServerState& state);
  ~HttpSession() override;

  void shut_down() override;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  /// Makes the connection `user_id`'s (leaves the unauthenticated pool, takes a
  /// slot of the user's HTTP connections); false when the user is at the cap.
  bool hold_for(const std::string& user_id);
  void read_body();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_upgrade();
  void handle_request();
  void send(ApiResponse response, bool keep_alive);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<Response> response_;  // alive until its write completes
  ServerState& state_;
  std::string remote_;
  SessionRegistry::Id registry_id_ = 0;
  UnauthenticatedConnections::Id unauthenticated_id_ = 0;  // 0 once authenticated
  std::string user_id_;        // whose HTTP connection slot it holds; empty before
  std::string admitted_user_;  // of the request being read
  bool closing_ = false;
  unsigned version_ = 11;  // of the request being answered: 1.0 clients get 1.0
  std::array<char, 4096> discard_{};
};

}  // namespace agenthost::server
