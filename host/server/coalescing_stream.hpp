#pragma once
/// \file
/// CoalescingStream: the layer between a connection's Beast WebSocket stream and its
/// TCP stream that turns many frames into one system call. Beast writes one message
/// per async_write, and the kernel's send path (on loopback, the receiver's path too)
/// costs about as much per call as per byte of a small frame: a run's eight frames
/// were eight sendmsg calls. Here a write is copied into a buffer and completes at once
/// (posted); the buffer goes to the socket in one write when the session says its
/// burst of frames is over (uncork), or at once when nothing is corked, and whatever
/// is written while that write is in flight goes in the next one. The buffers are
/// reused, not allocated per frame.
///
/// Flow control stays the session's: past kMaxBuffered bytes not yet handed to the
/// kernel, a write's completion waits until the write in flight is done, so a client
/// that does not read stalls its session's writes (and the session's write timeout
/// fires) exactly as with the socket below. A failed socket write fails every later
/// write with its error.
///
/// One strand: every member is called on the connection's strand, as Beast requires
/// of its next layer. The socket write's completion holds the shared state, not the
/// stream, so it is safe when the session is gone first.

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace agenthost::server {

class CoalescingStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;

  /// Bytes buffered (not yet handed to the kernel) past which writes wait.
  static constexpr std::size_t kMaxBuffered = 64 * 1024;

  explicit CoalescingStream(boost::asio::ip::tcp::socket socket);
  ~CoalescingStream();
  CoalescingStream(CoalescingStream&&) = delete;
  CoalescingStream& operator=(CoalescingStream&&) = delete;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }

  /// From now on writes are only buffered (up to kMaxBuffered) until uncork().
  void cork() noexcept;
  /// Sends what was buffered while corked, in one write.
  void uncork();

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return next_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler, void(boost::beast::error_code, std::size_t)>(
        [this](auto h, const ConstBufferSequence& b) {
          const std::size_t n = boost::asio::buffer_size(b);
          if (!state_->failed) {
            auto& pending = state_->pending;
            const std::size_t at = pending.size();
            pending.resize(at + n);
            boost::asio::buffer_copy(boost::asio::buffer(pending.data() + at, n), b);
          }
          const auto error = state_->failed;
          if (!error && must_wait()) {
            state_->held.push_back(
                std::make_unique<Held<decltype(h)>>(std::move(h), get_executor(), n));
            return;
          }
          complete(std::move(h), get_executor(), error, error ? 0 : n);
          if (!error) after_write();
        },
        handler, buffers);
  }

  /// Calls `handler(error)` once everything buffered was handed to the kernel (or the
  /// socket failed): for the teardown after a close frame. A drain does not wait for
  /// uncork(), and the stream is never corked again: Beast tears down while it holds
  /// its write lock, so the session's next write (which would uncork) waits for the
  /// teardown, and a drain waiting for uncork() would never end.
  template <class Handler>
  void async_drain(Handler&& handler) {
    auto h = std::forward<Handler>(handler);
    if (drained()) return complete(std::move(h), get_executor(), state_->failed, 0);
    start_drain();
    state_->held.push_back(
        std::make_unique<Held<decltype(h)>>(std::move(h), get_executor(), 0, true));
  }

 private:
  /// A completion kept until the write in flight is done (see kMaxBuffered).
  struct HeldCompletion {
    HeldCompletion(std::size_t written, bool waits_for_drain)
        : bytes(written), on_drain(waits_for_drain) {}
    virtual ~HeldCompletion() = default;
    virtual void complete(boost::beast::error_code error) = 0;
    const std::size_t bytes;  ///< what the write wrote (0 for a drain)
    const bool on_drain;      ///< waits for an empty buffer, not for room in it
  };
  template <class Handler>
  struct Held final : HeldCompletion {
    Held(Handler h, executor_type strand, std::size_t written, bool waits_for_drain = false)
        : HeldCompletion(written, waits_for_drain),
          handler(std::move(h)),
          fallback(std::move(strand)) {}
    void complete(boost::beast::error_code error) override {
      CoalescingStream::complete(std::move(handler), fallback, error, error ? 0 : bytes);
    }
    Handler handler;
    executor_type fallback;
  };
  /// What the socket write's completion needs: it may outlive the stream.
  struct State {
    std::string pending;  ///< written, not yet handed to a socket write
    std::string sending;  ///< the socket write in flight
    bool in_flight = false;
    bool corked = false;
    bool draining = false;  ///< a drain was asked for: corking no longer holds writes back
    boost::beast::error_code failed;
    std::vector<std::unique_ptr<HeldCompletion>> held;
    next_layer_type* stream = nullptr;  ///< null once the stream is destroyed
  };

  /// Completes a write (or drain) as if it had waited: posted, on the handler's
  /// executor, or else on the connection's strand.
  template <class Handler>
  static void complete(Handler handler, const executor_type& strand, boost::beast::error_code error,
                       std::size_t bytes) {
    auto executor = boost::asio::get_associated_executor(handler, strand);
    boost::asio::post(executor, boost::beast::bind_front_handler(std::move(handler), error, bytes));
  }

  bool must_wait() const noexcept;
  bool drained() const noexcept;
  /// Whether what is buffered goes to the socket now (when no write is in flight).
  static bool sends_now(const State& state) noexcept;
  /// Stops corking for good and sends what is buffered.
  void start_drain();
  /// After a write was buffered: starts the socket write when nothing holds it back.
  void after_write();
  static void start_send(const std::shared_ptr<State>& state);
  static void on_sent(const std::shared_ptr<State>& state, boost::beast::error_code error);
  /// The socket write's completion handler (in the .cpp).
  class SendCompletion;

  next_layer_type next_;
  std::shared_ptr<State> state_;
};

// Beast's teardown customisation (found by argument-dependent lookup): the close
// frame may still be buffered, so it is sent before the TCP stream is torn down.
void teardown(boost::beast::role_type role, CoalescingStream& stream,
              boost::beast::error_code& error);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, CoalescingStream& stream,
                    TeardownHandler&& handler) {
  stream.async_drain([role, &stream, handler = std::forward<TeardownHandler>(handler)](
                         boost::beast::error_code, std::size_t) mutable {
    // The drain's error (a failed socket) is the teardown's too; Beast's teardown of
    // the TCP stream reports it.
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(handler));
  });
}

}  // namespace agenthost::server
