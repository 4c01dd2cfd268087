#include "execution/storage_pacer.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <functional>

namespace agenthost::execution {

void StoragePacer::after_emit() noexcept {
  try {
    const auto n = emitted_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (n % kCheckEvery == 0 && !stop_.stop_requested() &&
        store_.unstored_events(run_id_) >= kPauseAt) {
      wait_for_storage();
      return;  // the wait suspended the run: that was its yield
    }
    waiter_.pause_point();
  } catch (const std::exception& e) {
    // Only an allocation can fail here; the event is queued, so the run goes on
    // unpaced rather than be told its emit failed.
    spdlog::warn("[{}] run not paced: {}", correlation_id_, e.what());
  }
}

void StoragePacer::wait_for_storage() {
  // Once per run: which agent floods is what an operator seeing the metric rise asks.
  if (waits_.fetch_add(1, std::memory_order_relaxed) == 0)
    spdlog::info(
        "[{}] run of agent {} paced: {} of its events wait to be stored (it emits faster "
        "than the database stores); it waits until fewer than {} do, and each time again",
        correlation_id_, agent_name_, kPauseAt, kResumeBelow);
  std::uint64_t handle = 0;
  waiter_.await(
      [&](std::function<void()> wake) {
        handle = store_.wake_when_below(run_id_, kResumeBelow, wake);
        if (handle == 0) wake();  // drained meanwhile
      },
      [&] { return store_.forget_wake(run_id_, handle); }, stop_);
}

}  // namespace agenthost::execution
