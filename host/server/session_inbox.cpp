#include "server/session_inbox.hpp"

#include <spdlog/spdlog.h>

namespace agenthost::server {

SessionInbox::SessionInbox(std::string user_id, std::size_t capacity,
                           std::atomic<std::uint64_t>* dropped, Wake wake)
    : user_id_(std::move(user_id)),
      capacity_(capacity == 0 ? 1 : capacity),
      dropped_(dropped),
      wake_(std::move(wake)) {}

void SessionInbox::push_locked(Entry entry) {
  const bool was_empty = queue_.empty();
  queue_.push_back(std::move(entry));
  if (was_empty) wake_();
}

void SessionInbox::push_marker_locked(const std::string& run_id) {
  if (!marked_.insert(run_id).second) return;  // one marker per run is enough
  push_locked(Entry{nullptr, run_id});
}

void SessionInbox::deliver(const events::EventPtr& event) noexcept {
  if (!event) return;
  if (event->user_id != user_id_) {
    // The router matches users; reaching here means that guarantee broke. Never
    // forward another user's event.
    spdlog::error("event of run {} for another user reached a connection of user {}; dropped",
                  event->run_id, user_id_);
    return;
  }
  try {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    // Once a run is marked, its later events stay behind the marker: they are
    // re-read from the log, so dropping them keeps memory bounded and loses nothing.
    if (queued_events_ >= capacity_ || marked_.count(event->run_id) != 0) {
      if (dropped_) dropped_->fetch_add(1, std::memory_order_relaxed);
      push_marker_locked(event->run_id);
      return;
    }
    ++queued_events_;
    push_locked(Entry{event, {}});
  } catch (const std::exception& e) {
    spdlog::error("connection of user {}: cannot queue an event of run {}: {}", user_id_,
                  event->run_id, e.what());
  }
}

void SessionInbox::mark_lagging(const std::string& run_id) noexcept {
  try {
    std::lock_guard lock(mutex_);
    if (!closed_) push_marker_locked(run_id);
  } catch (const std::exception& e) {
    spdlog::error("connection of user {}: cannot mark run {} lagging: {}", user_id_, run_id,
                  e.what());
  }
}

std::vector<SessionInbox::Entry> SessionInbox::take() {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  out.swap(queue_);
  queued_events_ = 0;
  marked_.clear();
  return out;
}

void SessionInbox::close() noexcept {
  std::lock_guard lock(mutex_);
  closed_ = true;
  dropped_ = nullptr;
  wake_ = nullptr;
  queue_.clear();
  queued_events_ = 0;
  marked_.clear();
}

void RunStartGate::deliver(const events::EventPtr& event) noexcept {
  if (!event) return;
  std::lock_guard lock(mutex_);
  if (open_) {
    inbox_->deliver(event);
    return;
  }
  if (!lagging_run_.empty()) return;
  if (held_.size() >= capacity_) {
    lagging_run_ = event->run_id;
    return;
  }
  try {
    held_.push_back(event);
  } catch (const std::exception&) {
    lagging_run_ = event->run_id;
  }
}

void RunStartGate::open() {
  std::lock_guard lock(mutex_);
  if (open_) return;
  open_ = true;
  for (const auto& event : held_) inbox_->deliver(event);
  held_.clear();
  held_.shrink_to_fit();
  if (!lagging_run_.empty()) inbox_->mark_lagging(lagging_run_);
}

}  // namespace agenthost::server
