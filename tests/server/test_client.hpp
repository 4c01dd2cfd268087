#pragma once
/// \file
/// A small client for the server tests, on Boost.Beast: HTTP requests and a
/// WebSocket, each with its own io_context and every operation bounded by a
/// deadline (a stuck server fails the test instead of hanging it). TCP_NODELAY on
/// every socket.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace agenthost::server::test {

using namespace std::chrono_literals;

/// Only reached when something is broken.
inline constexpr std::chrono::milliseconds kDeadline = 20s;

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  /// Interim (1xx) responses received before this one, e.g. 100 Continue.
  std::vector<unsigned> interim;

  /// The body as JSON; throws when it is not.
  boost::json::value json() const;
  /// error.code of a JSON error body; "" when there is none.
  std::string error_code() const;
  std::string header(const std::string& lower_name) const;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  /// Authorization header: "Bearer " + token when the token is set.
  std::optional<std::string> token;
  /// Extra raw headers.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// One request on a fresh connection.
HttpResponse http(std::uint16_t port, const HttpRequest& request);

/// Shorthands.
HttpResponse http_get(std::uint16_t port, const std::string& target,
                      const std::optional<std::string>& token);
HttpResponse http_post(std::uint16_t port, const std::string& target, const std::string& body,
                       const std::optional<std::string>& token);

/// What reading from a WebSocket produced.
struct WsRead {
  enum class Kind { message, closed, timeout, error };
  Kind kind = Kind::error;
  boost::json::object message;  ///< for message
  std::string text;             ///< raw text for message
  int close_code = 0;           ///< for closed: the code the server sent
  std::string error;            ///< for error

  bool is_message() const { return kind == Kind::message; }
  std::string type() const;  ///< message["type"] or ""
};

struct WsOptions {
  std::optional<std::string> bearer;        ///< Authorization: Bearer ...
  std::optional<std::string> access_token;  ///< ?access_token=...
  int receive_buffer_bytes = 0;             ///< SO_RCVBUF before connecting; 0: default
};

class WsClient {
 public:
  /// Connects and upgrades GET /v1/ws. Throws std::runtime_error when refused.
  static std::unique_ptr<WsClient> connect(std::uint16_t port, const WsOptions& options);

  /// Connects and expects the upgrade to be refused: the HTTP response.
  static HttpResponse refused_upgrade(std::uint16_t port, const WsOptions& options,
                                      const std::string& target = "/v1/ws");

  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send_text(const std::string& text);
  void send(const boost::json::object& frame);
  /// Sends a binary frame.
  void send_binary(const std::string& data);

  /// Reads the next frame (answering pings on the way), up to `timeout`. After a
  /// timeout the client is unusable (its read was cancelled).
  WsRead read(std::chrono::milliseconds timeout = kDeadline);

  /// Reads frames until one satisfies `pred`; returns every frame read (the last one
  /// satisfies pred) or FAILs the test on close, error or deadline.
  std::vector<boost::json::object> read_until(
      const std::function<bool(const boost::json::object&)>& pred,
      std::chrono::milliseconds deadline = kDeadline);

  /// Reads until the connection ends: the frames read before, and how it ended.
  struct Ending {
    std::vector<boost::json::object> frames;
    WsRead last;  ///< closed (with the code) or error
  };
  Ending read_until_closed(std::chrono::milliseconds deadline = kDeadline);

  /// Closes with 1000 (best effort).
  void close();

  struct Impl;

 private:
  explicit WsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The string in `value`, or "<not a string: ...>" (for comparisons in checks).
std::string str(const boost::json::value& value);

/// The frames of `frames` that are events (have a "seq") of `run_id`.
std::vector<boost::json::object> events_of(const std::vector<boost::json::object>& frames,
                                           const std::string& run_id);

/// A WebSocket handshake written by hand on a raw TCP socket, which then never reads
/// nor answers anything: for the idle-timeout test. Returns when the server closes
/// the connection (true) or after `deadline` (false).
bool raw_upgrade_and_wait_for_close(std::uint16_t port, const std::string& token,
                                    std::chrono::milliseconds deadline);

}  // namespace agenthost::server::test
