#pragma once
/// \file
/// WebSocketSession: one authenticated WebSocket connection of one user (GET
/// /v1/ws). Reads one client frame at a time and answers it (start_run, cancel_run,
/// subscribe, ping); streams the events of the runs it started or subscribed to;
/// writes through a bounded queue with one write in flight. Everything runs on the
/// connection's strand; blocking work (the engine, the database) runs on the request
/// threads and posts its result back.
///
/// Back-pressure: the send queue holds at most send_queue_frames events. Events
/// that do not fit (or that the inbox could not keep) are not lost: their run goes
/// back to replaying from the event log, one page at a time as the queue empties.
/// Memory per connection is bounded whatever the agents emit, and nothing waits.
///
/// Closing: the client closes (or drops); a frame over max_message_bytes (Beast
/// closes with 1009); a write does not finish within write_timeout (the client does
/// not read: dropped with a reset); the client sends frames without reading the
/// answers (1013); nothing answers pings for idle_timeout (dropped); the server
/// stops (1001); the credentials it was opened with expire (a JWT's exp plus the
/// leeway) or a reload revokes them (API key removed, JWT secret changed): 4001
/// (kCredentialsEnded). Runs it started go on (on_disconnect: continue) or are
/// cancelled. Internal.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "events/event_router.hpp"
#include "server/client_frame.hpp"
#include "server/coalescing_stream.hpp"
#include "server/run_streams.hpp"
#include "server/send_queue.hpp"
#include "server/server_state.hpp"
#include "server/session_inbox.hpp"
#include "server/session_registry.hpp"

namespace agenthost::server {

/// Close code of a WebSocket whose credentials ended: reason "token expired" or
/// "credentials revoked" (docs/protocol.md). 4000-4999 are the application's.
inline constexpr std::uint16_t kCredentialsEnded = 4001;

/// The credentials a WebSocket was opened with, checked again on each reload.
struct SessionCredentials {
  std::string user_id;
  std::string authorization;  ///< "Bearer <token>", whether sent as header or query
  std::optional<std::chrono::system_clock::time_point> valid_until;
};

class WebSocketSession final : public Session,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

  /// Takes over an upgraded socket whose user was authenticated and counted in
  /// state.connections (released when the session ends), completes the handshake
  /// and starts reading.
  static void start(boost::asio::ip::tcp::socket socket, ServerState& state,
                    SessionCredentials credentials, std::string remote, UpgradeRequest upgrade);

  WebSocketSession(boost::asio::ip::tcp::socket socket, ServerState& state,
                   SessionCredentials credentials, std::string remote);
  ~WebSocketSession() override;

  void shut_down() override;
  void detach() noexcept override;
  void credentials_changed() override;

 private:
  // Frames written in a burst reach the socket in one write (CoalescingStream).
  using Stream = boost::beast::websocket::stream<CoalescingStream>;

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_frame(ClientFrame frame);
  void start_run(StartRunFrame frame);
  void cancel_run(CancelRunFrame frame);
  void resume_run(ResumeRunFrame frame);
  void subscribe(SubscribeFrame frame);
  void on_subscribed(SubscribeFrame frame, std::optional<ApiError> error);

  // Replay pages (see RunStreams).
  void request_page(const std::string& run_id, std::uint64_t generation);
  void on_page(const std::string& run_id, std::uint64_t generation,
               std::variant<std::vector<events::EventPtr>, ApiError> result);
  void resume_waiting_pages();

  // Outgoing frames.
  void drain_inbox();
  /// Replays `run_id` from the log from `after` (default: its cursor), paced by the
  /// queue: for live events that could not be kept.
  void catch_up(const std::string& run_id, std::optional<std::uint64_t> after);
  void send_events(const std::vector<events::EventPtr>& events);
  /// An answer to a client frame (bounded with some headroom over the events).
  void send(std::string frame);
  void enqueue(std::string frame);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_write_timeout(std::uint64_t write_number, boost::beast::error_code ec);

  // Ending.
  /// Closes with kCredentialsEnded when valid_until is reached.
  void arm_expiry();
  void recheck_credentials();
  void close_with(boost::beast::websocket::close_code code, std::string reason);
  void do_close();
  void drop(const char* why);
  void release();

  /// Runs `work` on a request thread, then `done(result)` on this connection's
  /// strand. The next frame is read only after `done`: one client frame at a time.
  template <class Work, class Done>
  void offload(Work work, Done done) {
    boost::asio::post(
        state_.request_pool,
        [work = std::move(work), done = on_strand(std::move(done))]() mutable { done(work()); });
  }
  /// `done`, to be called from any thread: it runs `done(result)` on this connection's
  /// strand (and keeps the session alive until then).
  template <class Done>
  auto on_strand(Done done) {
    return [self = shared_from_this(), done = std::move(done)](auto result) mutable {
      boost::asio::post(self->ws_.get_executor(),
                        [done = std::move(done), result = std::move(result)]() mutable {
                          done(std::move(result));
                        });
    };
  }

  Stream ws_;
  boost::beast::flat_buffer buffer_;
  ServerState& state_;
  SessionCredentials credentials_;
  const std::string& user_id_ = credentials_.user_id;
  const std::string remote_;
  const std::size_t page_size_;
  std::shared_ptr<SessionInbox> inbox_;
  RunStreams streams_;
  std::unordered_map<std::string, events::EventRouter::Subscription> subscriptions_;
  std::unordered_set<std::string> started_runs_;  // unfinished runs this connection started
  std::vector<std::pair<std::string, std::uint64_t>> waiting_pages_;  // (run, generation)

  SendQueue queue_;  // front is being written while writing_
  bool writing_ = false;
  std::uint64_t writes_started_ = 0;
  boost::asio::steady_timer write_timer_;
  boost::asio::steady_timer expiry_timer_;

  bool accepted_ = false;
  bool closing_ = false;        // no more frames queued or read
  bool close_started_ = false;  // async_close issued
  bool released_ = false;
  std::optional<boost::beast::websocket::close_reason> pending_close_;
  SessionRegistry::Id registry_id_ = 0;
};

}  // namespace agenthost::server
