#include "server/session_inbox.hpp"

#include <spdlog/spdlog.h>

namespace agenthost::server {

SessionInbox::SessionInbox(std::string user_id, std::size_t capacity, Wake wake)
    : user_id_(std::move(user_id)),
      capacity_(capacity == 0 ? 1 : capacity),
      wake_(std::move(wake)) {}

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
    if (closed_ || overflowed_) return;
    if (queue_.size() >= capacity_) {
      overflowed_ = true;
      queue_.clear();
      wake_();
      return;
    }
    const bool was_empty = queue_.empty();
    queue_.push_back(event);
    if (was_empty) wake_();
  } catch (const std::exception& e) {
    // Out of memory while queueing: the client must resume from the log.
    std::lock_guard lock(mutex_);
    overflowed_ = true;
    spdlog::error("connection of user {}: cannot queue an event: {}", user_id_, e.what());
  }
}

SessionInbox::Batch SessionInbox::take() {
  std::lock_guard lock(mutex_);
  Batch batch;
  batch.events.swap(queue_);
  batch.overflowed = overflowed_;
  return batch;
}

void SessionInbox::overflow() noexcept {
  std::lock_guard lock(mutex_);
  if (closed_ || overflowed_) return;
  overflowed_ = true;
  queue_.clear();
  try {
    wake_();
  } catch (const std::exception& e) {
    spdlog::error("connection of user {}: cannot wake its strand: {}", user_id_, e.what());
  }
}

void SessionInbox::close() noexcept {
  std::lock_guard lock(mutex_);
  closed_ = true;
  queue_.clear();
}

void RunStartGate::deliver(const events::EventPtr& event) noexcept {
  std::lock_guard lock(mutex_);
  if (open_) {
    inbox_->deliver(event);
    return;
  }
  if (overflowed_) return;
  if (held_.size() >= capacity_) {
    // The connection has not even processed run_accepted yet: give up on it the
    // same way as a full inbox.
    overflowed_ = true;
    held_.clear();
    return;
  }
  try {
    held_.push_back(event);
  } catch (const std::exception&) {
    overflowed_ = true;
  }
}

void RunStartGate::open() {
  std::lock_guard lock(mutex_);
  if (open_) return;
  open_ = true;
  if (overflowed_) {
    // The connection closes and the client resumes from the log.
    inbox_->overflow();
    held_.clear();
    return;
  }
  for (const auto& event : held_) inbox_->deliver(event);
  held_.clear();
}

}  // namespace agenthost::server
