// Sharded by run_id so publishes of different runs rarely share a lock; inside a
// shard, the matching sinks are copied under the lock and called after it is
// released (Beast's chat-multi fan-out), so a slow sink never holds up another run.

#include "events/event_router.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace agenthost::events {
namespace {

struct Entry {
  std::uint64_t id;
  std::string user_id;
  std::weak_ptr<EventSink> sink;
};

struct alignas(64) Shard {
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::vector<Entry>> runs;
};

constexpr std::size_t kShardCount = 16;

}  // namespace

struct EventRouter::State {
  std::array<Shard, kShardCount> shards;
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<std::size_t> subscriptions{0};

  Shard& shard_for(std::string_view run_id) {
    return shards[std::hash<std::string_view>{}(run_id) % kShardCount];
  }

  void unsubscribe(const std::string& run_id, std::uint64_t id) {
    Shard& shard = shard_for(run_id);
    std::lock_guard lock(shard.mutex);
    const auto run = shard.runs.find(run_id);
    if (run == shard.runs.end()) return;
    auto& entries = run->second;
    const auto entry =
        std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.id == id; });
    if (entry == entries.end()) return;
    entries.erase(entry);
    subscriptions.fetch_sub(1, std::memory_order_relaxed);
    if (entries.empty()) shard.runs.erase(run);
  }
};

EventRouter::Subscription::Subscription(std::weak_ptr<State> state, std::string run_id,
                                        std::uint64_t id) noexcept
    : state_(std::move(state)), run_id_(std::move(run_id)), id_(id) {}

EventRouter::Subscription::Subscription(Subscription&& other) noexcept
    : state_(std::move(other.state_)),
      run_id_(std::move(other.run_id_)),
      id_(std::exchange(other.id_, 0)) {}

EventRouter::Subscription& EventRouter::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    run_id_ = std::move(other.run_id_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

EventRouter::Subscription::~Subscription() { reset(); }

void EventRouter::Subscription::reset() noexcept {
  if (id_ == 0) return;
  // Erasing from a vector and a map cannot throw here (moves of Entry are noexcept,
  // unordered_map::erase does not allocate); the lock only throws on a broken mutex.
  if (const auto state = state_.lock()) state->unsubscribe(run_id_, id_);
  state_.reset();
  id_ = 0;
}

EventRouter::EventRouter() : state_(std::make_shared<State>()) {}

EventRouter::~EventRouter() = default;

EventRouter::Subscription EventRouter::subscribe(std::string user_id, std::string run_id,
                                                 std::shared_ptr<EventSink> sink) {
  if (user_id.empty()) throw std::invalid_argument("EventRouter::subscribe: user_id is empty");
  if (run_id.empty()) throw std::invalid_argument("EventRouter::subscribe: run_id is empty");
  if (!sink)
    throw std::invalid_argument("EventRouter::subscribe: sink is null (user " + user_id + ", run " +
                                run_id + ")");
  const std::uint64_t id = state_->next_id.fetch_add(1, std::memory_order_relaxed);
  Shard& shard = state_->shard_for(run_id);
  {
    std::lock_guard lock(shard.mutex);
    auto& entries = shard.runs[run_id];
    try {
      entries.push_back(Entry{id, std::move(user_id), std::move(sink)});
    } catch (...) {
      if (entries.empty()) shard.runs.erase(run_id);  // leave no empty run behind
      throw;
    }
    state_->subscriptions.fetch_add(1, std::memory_order_relaxed);
  }
  return Subscription(state_, std::move(run_id), id);
}

void EventRouter::publish(const EventPtr& event) {
  // Declared before the lock so that the last reference to a sink, if it is dropped
  // here, is dropped after the lock is released (its destructor may unsubscribe).
  boost::container::small_vector<std::shared_ptr<EventSink>, 4> targets;
  {
    Shard& shard = state_->shard_for(event->run_id);
    std::lock_guard lock(shard.mutex);
    const auto run = shard.runs.find(event->run_id);
    if (run == shard.runs.end()) return;
    for (const Entry& entry : run->second) {
      if (entry.user_id != event->user_id) continue;
      if (auto sink = entry.sink.lock()) targets.push_back(std::move(sink));
    }
  }
  for (const auto& sink : targets) sink->deliver(event);
}

std::size_t EventRouter::subscription_count() const noexcept {
  return state_->subscriptions.load(std::memory_order_relaxed);
}

std::size_t EventRouter::run_count() const {
  std::size_t runs = 0;
  for (const Shard& shard : state_->shards) {
    std::lock_guard lock(shard.mutex);
    runs += shard.runs.size();
  }
  return runs;
}

}  // namespace agenthost::events
