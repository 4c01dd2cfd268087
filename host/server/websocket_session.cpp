#include "server/websocket_session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/stream_base.hpp>

#include "auth/authenticator.hpp"
#include "database/run_record.hpp"
#include "server/server_frames.hpp"

#include <algorithm>

namespace agenthost::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Answers (run_accepted, error, pong) may exceed the event queue by this much.
constexpr std::size_t kAnswerHeadroom = 64;
constexpr std::size_t kAnswerHeadroomBytes = 64 * 1024;

std::size_t page_size_for(const ServerOptions& options) {
  return std::clamp<std::size_t>(options.send_queue_frames / 2, 1, 500);
}

}  // namespace

void WebSocketSession::start(net::ip::tcp::socket socket, ServerState& state,
                             SessionCredentials credentials, std::string remote,
                             UpgradeRequest upgrade) {
  auto session = std::make_shared<WebSocketSession>(std::move(socket), state,
                                                    std::move(credentials), std::move(remote));
  session->registry_id_ = state.sessions.add(session);
  // Emitting threads wake the strand through a weak reference: the engine may hold
  // the inbox (as a run's subscriber) longer than the session lives.
  std::weak_ptr<WebSocketSession> weak = session;
  auto executor = session->ws_.get_executor();
  session->inbox_ =
      std::make_shared<SessionInbox>(session->user_id_, state.options.send_queue_frames,
                                     &state.counters.events_dropped, [weak, executor] {
                                       net::post(executor, [weak] {
                                         if (auto self = weak.lock()) self->drain_inbox();
                                       });
                                     });
  net::dispatch(executor, [session, upgrade = std::move(upgrade)]() mutable {
    auto& ws = session->ws_;
    const auto& options = session->state_.options;
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = options.handshake_timeout;
    timeouts.idle_timeout = options.idle_timeout;
    timeouts.keep_alive_pings = true;  // only peers that stop answering time out
    ws.set_option(timeouts);
    ws.read_message_max(options.max_message_bytes);
    ws.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(beast::http::field::server, "agenthost");
    }));
    ws.async_accept(upgrade, beast::bind_front_handler(&WebSocketSession::on_accept, session));
  });
}

WebSocketSession::WebSocketSession(net::ip::tcp::socket socket, ServerState& state,
                                   SessionCredentials credentials, std::string remote)
    : ws_(std::move(socket)),
      state_(state),
      credentials_(std::move(credentials)),
      remote_(std::move(remote)),
      page_size_(page_size_for(state.options)),
      streams_(state.options.send_queue_frames, state.options.max_subscriptions_per_connection),
      queue_(state.options.send_queue_frames, state.options.send_queue_bytes),
      write_timer_(ws_.get_executor()),
      expiry_timer_(ws_.get_executor()) {}

WebSocketSession::~WebSocketSession() {
  release();
  if (registry_id_ != 0) state_.sessions.remove(registry_id_);
}

void WebSocketSession::shut_down() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    if (!self->accepted_) return self->drop("server stopping during the handshake");
    self->close_with(websocket::close_code::going_away, "server shutting down");
  });
}

void WebSocketSession::detach() noexcept {
  if (inbox_) inbox_->close();
}

void WebSocketSession::credentials_changed() {
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->recheck_credentials(); });
}

void WebSocketSession::recheck_credentials() {
  if (closing_) return;
  const auto auth = state_.deps.authenticator.authenticate_header(credentials_.authorization);
  if (!auth.ok() || auth.user_id != user_id_) {
    spdlog::info("{}: WebSocket of user {} closed: its credentials were revoked by a reload ({})",
                 remote_, user_id_, auth.ok() ? "another user now" : auth.reason);
    if (!accepted_) return drop("credentials revoked during the handshake");
    return close_with(static_cast<websocket::close_code>(kCredentialsEnded), "credentials revoked");
  }
  credentials_.valid_until = auth.valid_until;  // the leeway may have changed
  arm_expiry();
}

void WebSocketSession::arm_expiry() {
  if (!credentials_.valid_until) {
    expiry_timer_.cancel();
    return;
  }
  // The system clock says when; a steady timer waits (a clock step is not waited out
  // here, but every reload and every later request checks the token afresh).
  expiry_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      *credentials_.valid_until - std::chrono::system_clock::now()));
  expiry_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->closing_) return;
    if (std::chrono::system_clock::now() < *self->credentials_.valid_until)
      return self->arm_expiry();
    spdlog::info("{}: WebSocket of user {} closed: its token expired", self->remote_,
                 self->user_id_);
    self->close_with(static_cast<websocket::close_code>(kCredentialsEnded), "token expired");
  });
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("{}: WebSocket handshake failed: {}", remote_, ec.message());
    return drop("handshake failed");
  }
  accepted_ = true;
  spdlog::debug("{}: WebSocket of user {} open", remote_, user_id_);
  arm_expiry();
  if (state_.stopping.load())
    return close_with(websocket::close_code::going_away, "server shutting down");
  do_read();
}

void WebSocketSession::do_read() {
  if (closing_) return;
  ws_.async_read(buffer_,
                 beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big)
      spdlog::info("{}: user {} sent a frame over {} bytes; closed with 1009", remote_, user_id_,
                   state_.options.max_message_bytes);
    else if (ec != websocket::error::closed && ec != net::error::operation_aborted)
      spdlog::debug("{}: WebSocket of user {} ends: {}", remote_, user_id_, ec.message());
    // Beast has already answered the close (or sent 1009); nothing left to write.
    release();
    return;
  }
  if (closing_) return;
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    send(error_frame(error_code::invalid_json,
                     "binary frames are not supported: send JSON text frames"));
    return do_read();
  }
  const std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  handle_frame(parse_client_frame(text));
}

void WebSocketSession::handle_frame(ClientFrame frame) {
  std::visit(Overloaded{
                 [&](FrameError& e) {
                   send(error_frame(e.error.code, e.error.message, e.request_id));
                   do_read();
                 },
                 [&](PingFrame& p) {
                   send(pong_frame(p.request_id));
                   do_read();
                 },
                 [&](StartRunFrame& f) { start_run(std::move(f)); },
                 [&](CancelRunFrame& f) { cancel_run(std::move(f)); },
                 [&](ResumeRunFrame& f) { resume_run(std::move(f)); },
                 [&](SubscribeFrame& f) { subscribe(std::move(f)); },
             },
             frame);
}

void WebSocketSession::send(std::string frame) {
  if (closing_) return;
  // Answers to the client's own frames: a client that keeps sending without reading
  // them is closed.
  if (queue_.over_with_headroom(kAnswerHeadroom, kAnswerHeadroomBytes))
    return close_with(websocket::close_code::try_again_later,
                      "send queue full: the client does not read its answers");
  enqueue(std::move(frame));
}

void WebSocketSession::enqueue(std::string frame) {
  queue_.push(std::move(frame));
  if (!writing_) do_write();
}

void WebSocketSession::do_write() {
  writing_ = true;
  // Until the queue is empty: each frame's write completes at once into the
  // stream's buffer, and the buffer goes out in one write (on_write uncorks).
  ws_.next_layer().cork();
  const auto number = ++writes_started_;
  write_timer_.expires_after(state_.options.write_timeout);
  write_timer_.async_wait(
      beast::bind_front_handler(&WebSocketSession::on_write_timeout, shared_from_this(), number));
  ws_.text(true);
  ws_.async_write(net::buffer(queue_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  write_timer_.cancel();
  if (ec) return drop("write failed");
  queue_.pop_front();
  if (pending_close_) {
    ws_.next_layer().uncork();
    if (!close_started_) do_close();
    return;
  }
  if (!queue_.empty())
    do_write();
  else
    ws_.next_layer().uncork();
  resume_waiting_pages();
}

void WebSocketSession::on_write_timeout(std::uint64_t number, beast::error_code ec) {
  if (ec == net::error::operation_aborted || !writing_ || number != writes_started_) return;
  spdlog::warn("{}: user {} has not read for {} ms ({} frames queued); connection dropped", remote_,
               user_id_, state_.options.write_timeout.count(), queue_.size());
  state_.counters.slow_client_disconnects.fetch_add(1, std::memory_order_relaxed);
  // Reset rather than close: the kernel would otherwise keep trying to deliver the
  // unread data to a peer that does not read.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().set_option(net::socket_base::linger(true, 0), ignored);
  drop("write timeout");
}

void WebSocketSession::close_with(websocket::close_code code, std::string reason) {
  if (closing_) return;
  if (code == websocket::close_code::try_again_later) {
    spdlog::warn("{}: user {} closed with 1013: {}", remote_, user_id_, reason);
    state_.counters.slow_client_disconnects.fetch_add(1, std::memory_order_relaxed);
  }
  // Frames not yet written are dropped; the one being written must stay alive.
  queue_.drop_waiting(writing_);
  pending_close_ = websocket::close_reason(code, reason);
  release();
  if (!writing_) do_close();
}

void WebSocketSession::do_close() {
  close_started_ = true;
  ws_.async_close(*pending_close_, [self = shared_from_this()](beast::error_code ec) {
    if (ec && ec != net::error::operation_aborted)
      spdlog::debug("{}: close handshake: {}", self->remote_, ec.message());
  });
}

void WebSocketSession::drop(const char* why) {
  spdlog::debug("{}: WebSocket of user {} dropped: {}", remote_, user_id_, why);
  release();
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).close();
}

void WebSocketSession::release() {
  closing_ = true;
  waiting_pages_.clear();
  if (released_) return;
  released_ = true;
  expiry_timer_.cancel();
  if (inbox_) inbox_->close();
  subscriptions_.clear();
  state_.connections.remove(user_id_);
  if (state_.options.on_disconnect == OnDisconnect::cancel_runs && !started_runs_.empty()) {
    // Each cancel may write to the database: on a request thread.
    net::post(state_.request_pool,
              [&service = state_.service, user = user_id_, runs = std::move(started_runs_)] {
                for (const auto& run_id : runs) service.cancel_run(user, run_id);
              });
  }
  started_runs_.clear();
}

}  // namespace agenthost::server
