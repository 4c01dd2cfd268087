#include "fiber/fiber_waiter.hpp"

#include <boost/asio/post.hpp>

#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <utility>

#include "fiber/blocking_pool.hpp"
#include "fiber/suspend_state.hpp"

namespace agenthost::fiber {
namespace {

using Clock = agenthost::RunWaiter::Clock;

enum class Wake { completed, stopped };

// Starts a new suspension: wake-ups posted for an earlier one are ignored from now on.
std::uint64_t begin_suspension(SuspendState& s) {
  s.completed = false;
  s.stopped = false;
  return ++s.generation;
}

// Wakes the fiber from any thread: the flag is set and the timer cancelled on the
// fiber's own thread, where they cannot change under the fiber.
void post_wake(const std::shared_ptr<SuspendState>& state, std::uint64_t generation, Wake kind) {
  boost::asio::post(state->context, [state, generation, kind] {
    if (state->generation != generation || !state->timer) return;
    (kind == Wake::completed ? state->completed : state->stopped) = true;
    state->timer->cancel();
  });
}

// Suspends the fiber until `woken()` holds (true) or `deadline` passes (false).
template <class Woken>
bool suspend_until(SuspendState& s, Clock::time_point deadline, Woken woken) {
  s.timer->expires_at(deadline);
  while (!woken()) {
    boost::system::error_code ec;
    s.timer->async_wait(s.yield[ec]);
    if (!ec) return woken();  // the deadline passed (or a wake-up came with it)
  }
  return true;
}

// For the calls made off the run's fiber: the calling thread blocks instead.
struct BlockingFlag {
  std::mutex mutex;
  std::condition_variable_any changed;
  bool done = false;
};

}  // namespace

FiberWaiter::FiberWaiter(std::string user_id, BlockingPool& blocking)
    : user_id_(std::move(user_id)), blocking_(blocking) {}

FiberWaiter::~FiberWaiter() = default;

bool FiberWaiter::on_fiber() const noexcept {
  return attached_.load(std::memory_order_acquire) && home_ == std::this_thread::get_id();
}

namespace {
// The fiber on this thread now: set when one starts and each time one resumes.
thread_local const FiberWaiter* t_running = nullptr;
}  // namespace

const char* FiberWaiter::running_tag() noexcept {
  return t_running && !t_running->tag_.empty() ? t_running->tag_.c_str() : nullptr;
}

void FiberWaiter::attach(std::shared_ptr<SuspendState> state) {
  t_running = this;
  state_ = std::move(state);
  home_ = std::this_thread::get_id();
  attached_.store(true, std::memory_order_release);
}

void FiberWaiter::detach() noexcept {
  t_running = nullptr;
  attached_.store(false, std::memory_order_release);
  state_->timer.reset();  // on the fiber's thread, with no wait pending
}

bool FiberWaiter::sleep_until(Clock::time_point deadline, const std::stop_token& stop) {
  if (stop.stop_requested()) return false;
  if (!on_fiber()) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    return !cv.wait_until(lock, stop, deadline, [] { return false; }) && !stop.stop_requested();
  }
  auto& s = *state_;
  steps_since_suspended_ = 0;
  const auto generation = begin_suspension(s);
  std::stop_callback wake_on_stop(
      stop, [state = state_, generation] { post_wake(state, generation, Wake::stopped); });
  suspend_until(s, deadline, [&s] { return s.stopped; });
  t_running = this;
  return !stop.stop_requested();
}

bool FiberWaiter::await(const std::function<void(std::function<void()> wake)>& start,
                        const std::function<bool()>& cancel, const std::stop_token& stop) {
  if (!on_fiber()) {
    auto flag = std::make_shared<BlockingFlag>();
    start([flag] {
      {
        std::lock_guard lock(flag->mutex);
        flag->done = true;
      }
      flag->changed.notify_all();
    });
    std::unique_lock lock(flag->mutex);
    if (flag->changed.wait(lock, stop, [&] { return flag->done; })) return true;
    lock.unlock();
    if (cancel()) return false;
    lock.lock();
    flag->changed.wait(lock, [&] { return flag->done; });
    return true;
  }
  auto& s = *state_;
  steps_since_suspended_ = 0;
  const auto generation = begin_suspension(s);
  start([state = state_, generation] { post_wake(state, generation, Wake::completed); });
  {
    std::stop_callback wake_on_stop(
        stop, [state = state_, generation] { post_wake(state, generation, Wake::stopped); });
    suspend_until(s, Clock::time_point::max(), [&s] { return s.completed || s.stopped; });
    t_running = this;
  }
  if (s.completed) return true;
  if (cancel()) return false;
  // The operation had already begun to complete: its wake-up is on its way.
  suspend_until(s, Clock::time_point::max(), [&s] { return s.completed; });
  t_running = this;
  return true;
}

void FiberWaiter::pause_point() {
  if (!on_fiber() || ++steps_since_suspended_ < kStepsBeforeYield) return;
  // A wake-up posted now runs after the handlers already queued on this thread's loop:
  // the fibers ready before it resume first.
  await([](std::function<void()> wake) { wake(); }, [] { return false; }, std::stop_token{});
}

void FiberWaiter::run_blocking(const std::function<void()>& work) {
  if (!on_fiber()) {
    work();
    return;
  }
  std::exception_ptr error;
  await(
      [&](std::function<void()> wake) {
        blocking_.submit(user_id_, [&work, &error, wake = std::move(wake)] {
          try {
            work();
          } catch (...) {
            error = std::current_exception();
          }
          wake();
        });
      },
      [] { return false; }, std::stop_token{});
  if (error) std::rethrow_exception(error);
}

}  // namespace agenthost::fiber
