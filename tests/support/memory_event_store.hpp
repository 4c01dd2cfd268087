#pragma once
/// \file
/// The tests' in-memory EventStore: keeps every appended event (thread-safe), counts
/// flushes, and can refuse the next append. The real emitters, routers and engines
/// run against it where a test needs no database. (The SDK's harness keeps its own:
/// it ships without tests/; bench/ keeps a bounded one for millions of events.)

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "events/event.hpp"
#include "events/event_store.hpp"

namespace agenthost::testing {

/// Thread-safe list of events, with a wait for a given count (no sleeps in tests).
class EventList {
 public:
  void add(const events::EventPtr& event) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    }
    changed_.notify_all();
  }

  std::vector<events::EventPtr> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

  /// True once at least `count` events are in, false after a generous deadline.
  bool wait_for(std::size_t count, std::chrono::seconds deadline = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] { return events_.size() >= count; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<events::EventPtr> events_;
};

class MemoryEventStore final : public events::EventStore {
 public:
  void append(const events::EventPtr& event) override {
    if (fail_next_.exchange(false))
      throw std::runtime_error("MemoryEventStore: append refused (test)");
    log.add(event);
  }
  void flush() override { ++flushes; }

  /// The next append throws.
  void fail_next_append() { fail_next_ = true; }

  EventList log;
  std::atomic<int> flushes{0};

 private:
  std::atomic<bool> fail_next_{false};
};

}  // namespace agenthost::testing
