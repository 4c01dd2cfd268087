#include "worker/forwarding_event_store.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <stdexcept>
#include <utility>

#include "events/event.hpp"
#include "ipc/run_messages.hpp"

namespace agenthost::worker {

bool ForwardingEventStore::within_window_locked() const {
  return sent_ - acknowledged_ < ipc::kEventWindow;
}

void ForwardingEventStore::append(const events::EventPtr& event) {
  const ipc::Frame frame{ipc::FrameType::event, boost::json::object{{"run", event->run_id},
                                                                    {"type", event->type},
                                                                    {"payload", event->payload}}};
  // Counted first: the supervisor may acknowledge it before send returns.
  {
    std::lock_guard lock(mutex_);
    ++sent_;
  }
  if (!channel_.send(frame))
    throw std::runtime_error("the supervisor is gone: event " + event->type + " was not sent");
}

void ForwardingEventStore::append(const events::EventPtr& event, events::EventRouter*) {
  append(event);
}

void ForwardingEventStore::after_emit() noexcept {
  try {
    bool full = false;
    {
      std::lock_guard lock(mutex_);
      full = !within_window_locked();
    }
    if (!full || stop_.stop_requested()) {
      waiter_.pause_point();
      return;
    }
    std::uint64_t handle = 0;
    waiter_.await(
        [&](std::function<void()> wake) {
          std::unique_lock lock(mutex_);
          if (within_window_locked()) {
            lock.unlock();
            wake();
            return;
          }
          handle = ++next_wake_;
          wakes_.emplace_back(handle, std::move(wake));
        },
        [&] {
          std::lock_guard lock(mutex_);
          // Not found: its wake-up is on its way.
          return std::erase_if(wakes_, [&](const auto& w) { return w.first == handle; }) > 0;
        },
        stop_);
  } catch (const std::exception& e) {
    // Only an allocation can fail here; the event is sent, so the run goes on
    // unpaced rather than be told its emit failed.
    spdlog::warn("run not paced: {}", e.what());
  }
}

std::size_t ForwardingEventStore::waiting() const {
  std::lock_guard lock(mutex_);
  return wakes_.size();
}

void ForwardingEventStore::acknowledged(std::uint64_t events) {
  std::vector<std::pair<std::uint64_t, std::function<void()>>> wakes;
  {
    std::lock_guard lock(mutex_);
    if (events <= acknowledged_) return;
    acknowledged_ = events;
    if (within_window_locked()) wakes.swap(wakes_);
  }
  for (auto& [handle, wake] : wakes) wake();
}

}  // namespace agenthost::worker
