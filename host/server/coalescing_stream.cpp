#include "server/coalescing_stream.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace agenthost::server {
namespace {

// A buffer grown past this by a burst is given back once sent, so that an idle
// connection does not keep a burst's memory.
constexpr std::size_t kKeptCapacity = 16 * 1024;

}  // namespace

CoalescingStream::CoalescingStream(boost::asio::ip::tcp::socket socket)
    : next_(std::move(socket)), state_(std::make_shared<State>()) {
  state_->stream = &next_;
}

CoalescingStream::~CoalescingStream() { state_->stream = nullptr; }

void CoalescingStream::cork() noexcept { state_->corked = true; }

void CoalescingStream::uncork() {
  state_->corked = false;
  if (!state_->in_flight && !state_->pending.empty()) start_send(state_);
}

bool CoalescingStream::must_wait() const noexcept {
  return state_->in_flight && state_->pending.size() > kMaxBuffered;
}

bool CoalescingStream::drained() const noexcept {
  return state_->failed || (!state_->in_flight && state_->pending.empty());
}

bool CoalescingStream::sends_now(const State& state) noexcept {
  return !state.corked || state.draining || state.pending.size() > kMaxBuffered;
}

void CoalescingStream::start_drain() {
  state_->draining = true;
  if (!state_->in_flight && !state_->pending.empty()) start_send(state_);
}

void CoalescingStream::after_write() {
  if (state_->in_flight) return;  // its completion sends what was added meanwhile
  if (sends_now(*state_)) start_send(state_);
}

// Asio destroys a handler without calling it when its io_context goes away with the
// operation pending. Then nothing would complete the writes and drains held behind the
// socket write, and their handlers own the session that owns this stream: a cycle that
// LeakSanitizer caught at a test's end. So a send completion destroyed uncalled lets
// the held completions go (destroyed, not called: their io_context is gone).
class CoalescingStream::SendCompletion {
 public:
  explicit SendCompletion(std::shared_ptr<State> state) : state_(std::move(state)) {}
  SendCompletion(SendCompletion&&) noexcept = default;  // leaves the source empty
  SendCompletion& operator=(SendCompletion&&) = delete;
  ~SendCompletion() {
    if (!state_) return;                  // called, or moved from
    auto held = std::move(state_->held);  // destroyed here, after state_ is consistent
  }

  void operator()(boost::beast::error_code error, std::size_t) {
    const auto state = std::move(state_);
    on_sent(state, error);
  }

 private:
  std::shared_ptr<State> state_;
};

void CoalescingStream::start_send(const std::shared_ptr<State>& state) {
  if (!state->stream) return;
  state->sending.swap(state->pending);
  state->in_flight = true;
  boost::asio::async_write(*state->stream, boost::asio::buffer(state->sending),
                           SendCompletion(state));
}

void CoalescingStream::on_sent(const std::shared_ptr<State>& state,
                               boost::beast::error_code error) {
  state->in_flight = false;
  state->sending.clear();
  if (state->sending.capacity() > kKeptCapacity) state->sending.shrink_to_fit();
  if (error && !state->failed) {
    state->failed = error;
    state->pending.clear();
    state->pending.shrink_to_fit();
  }
  // What was written meanwhile goes out now (while corked, only past the bound).
  if (!state->failed && !state->pending.empty() && sends_now(*state)) start_send(state);
  // Writes that waited for room, and drains waiting for an empty buffer.
  const bool empty = !state->in_flight && state->pending.empty();
  std::vector<std::unique_ptr<HeldCompletion>> ready;
  std::erase_if(state->held, [&](std::unique_ptr<HeldCompletion>& h) {
    const bool go =
        state->failed ||
        (h->on_drain ? empty : !state->in_flight || state->pending.size() <= kMaxBuffered);
    if (go) ready.push_back(std::move(h));
    return go;
  });
  for (auto& h : ready) h->complete(state->failed);
}

void teardown(boost::beast::role_type role, CoalescingStream& stream,
              boost::beast::error_code& error) {
  // The synchronous path (not used by the sessions, which close asynchronously).
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), error);
}

}  // namespace agenthost::server
