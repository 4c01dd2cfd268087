#include "database/event_log.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "database/driver_message.hpp"
#include "database/event_rows.hpp"

namespace agenthost::database {
namespace {

// Attempts per batch before the failure is reported to flush(): the first retries
// ride out a busy lock or a reconnect.
constexpr int kAttemptsPerBatch = 3;
constexpr std::chrono::milliseconds kFirstRetryDelay{50};
// After a batch failed all its attempts: wait this long before trying it again.
constexpr std::chrono::milliseconds kFailedBatchPause{1000};

std::string describe(const events::Event& event) {
  return "event " + std::to_string(event.seq) + " (" + event.type + ") of run '" + event.run_id +
         "'";
}

}  // namespace

EventLog::EventLog(DatabaseSessionManager& manager, std::size_t max_batch)
    : manager_(manager), max_batch_(std::max<std::size_t>(max_batch, 1)) {
  lease_.emplace(manager_.acquire());
  writer_ = std::thread([this] { writer_loop(); });
}

EventLog::~EventLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  writer_.join();
}

void EventLog::append(const events::EventPtr& event) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_)
      throw DatabaseError("event log is stopping; " + describe(*event) + " was not stored");
    queue_.push_back(Pending{event, ++appended_});
    unsettled_runs_[event->run_id] = appended_;
  }
  work_.notify_one();
}

std::uint64_t EventLog::appended() const {
  std::lock_guard lock(mutex_);
  return appended_;
}

void EventLog::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_;
  wait_settled(lock, target, [&](const Refusal& r) { return r.ticket <= target; });
}

void EventLog::flush_run(const std::string& run_id) {
  std::unique_lock lock(mutex_);
  wait_settled(lock, last_ticket_locked(run_id),
               [&](const Refusal& r) { return r.run_id == run_id; });
}

void EventLog::await_run_settled(const std::string& run_id) {
  std::unique_lock lock(mutex_);
  wait_settled(lock, last_ticket_locked(run_id), [](const Refusal&) { return false; });
}

std::uint64_t EventLog::last_ticket_locked(const std::string& run_id) const {
  const auto it = unsettled_runs_.find(run_id);
  return it == unsettled_runs_.end() ? 0 : it->second;
}

void EventLog::wait_settled(std::unique_lock<std::mutex>& lock, std::uint64_t target,
                            const std::function<bool(const Refusal&)>& mine) {
  const std::uint64_t failures_before = storage_failures_;
  done_.wait(
      lock, [&] { return settled_ >= target || storage_failures_ != failures_before || stopped_; });
  // Each refusal is reported once, to the first caller it belongs to.
  auto split = std::stable_partition(refusals_.begin(), refusals_.end(),
                                     [&](const Refusal& r) { return !mine(r); });
  std::vector<Refusal> reported(std::make_move_iterator(split),
                                std::make_move_iterator(refusals_.end()));
  refusals_.erase(split, refusals_.end());
  if (!reported.empty()) {
    std::string message = "event log: " + std::to_string(reported.size()) +
                          " event(s) could not be stored in '" + manager_.masked_url() +
                          "' and were dropped: " + reported.front().reason;
    if (reported.size() > 1) message += " (and " + std::to_string(reported.size() - 1) + " more)";
    throw DatabaseError(message);
  }
  if (settled_ >= target) return;
  throw DatabaseError("event log: events are not yet stored in '" + manager_.masked_url() +
                      "': " + last_error_ +
                      (stopped_ ? "" : "; they stay queued and the writer keeps retrying"));
}

std::uint64_t EventLog::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

void EventLog::writer_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is stored

    const std::size_t n = std::min(max_batch_, queue_.size());
    std::vector<Pending> batch(std::make_move_iterator(queue_.begin()),
                               std::make_move_iterator(queue_.begin() + n));
    queue_.erase(queue_.begin(), queue_.begin() + n);
    lock.unlock();

    std::vector<Refusal> refused;
    std::uint64_t stored = 0;
    std::string error;
    const bool ok = store_batch(batch, refused, stored, error);

    lock.lock();
    written_ += stored;
    if (ok) {
      settled_ = batch.back().ticket;
      for (const auto& p : batch) {
        const auto it = unsettled_runs_.find(p.event->run_id);
        if (it != unsettled_runs_.end() && it->second == p.ticket) unsettled_runs_.erase(it);
      }
      for (auto& r : refused) {
        spdlog::error("event log: {}; the event is dropped", r.reason);
        refusals_.push_back(std::move(r));
      }
      done_.notify_all();
      continue;
    }

    ++storage_failures_;
    last_error_ = error;
    if (stopping_) {
      // Shutting down and the database still fails: nothing more can be done.
      const auto lost = batch.size() + queue_.size();
      spdlog::error("event log: stopping with {} event(s) not stored in '{}': {}", lost,
                    manager_.masked_url(), error);
      // Reported to each run that lost events (and to a global flush).
      for (const auto& [run_id, ticket] : unsettled_runs_)
        refusals_.push_back(
            Refusal{ticket, run_id, "its events were not stored at shutdown: " + error});
      queue_.clear();
      unsettled_runs_.clear();
      settled_ = appended_;
      done_.notify_all();
      break;
    }
    spdlog::error(
        "event log: storing {} event(s) in '{}' failed after {} attempts: {}; "
        "keeping them queued and retrying",
        batch.size(), manager_.masked_url(), kAttemptsPerBatch, error);
    // Put the batch back in front so each run's events stay in seq order.
    queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end()));
    done_.notify_all();
    work_.wait_for(lock, kFailedBatchPause, [&] { return stopping_; });
  }
  stopped_ = true;
  done_.notify_all();
}

bool EventLog::store_batch(const std::vector<Pending>& batch, std::vector<Refusal>& refusals,
                           std::uint64_t& stored, std::string& error) {
  std::vector<const events::Event*> rows;
  rows.reserve(batch.size());
  for (const auto& p : batch) rows.push_back(p.event.get());

  auto delay = kFirstRetryDelay;
  bool refused = false;
  for (int attempt = 1; attempt <= kAttemptsPerBatch && !refused; ++attempt) {
    try {
      if (!*lease_) lease_.emplace(manager_.acquire());
      stored += insert_events(lease_->session(), rows);
      return true;
    } catch (const std::exception& e) {
      error = driver_message(e);
      refused = is_refused_row_error(e);
      if (refused) break;
      if (*lease_ && !lease_->session().is_connected()) {
        lease_->discard();
        lease_->release();
      }
    }
    if (attempt < kAttemptsPerBatch) {
      std::this_thread::sleep_for(delay);
      delay *= 5;
    }
  }
  if (!refused) return false;

  // The database refuses some rows: store the rows one by one so one bad event
  // cannot hold back everyone else's.
  bool any_refused = false;
  std::vector<Refusal> found;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      stored += insert_events(lease_->session(), {rows[i]});
    } catch (const std::exception& e) {
      if (!is_refused_row_error(e)) {
        error = driver_message(e);
        return false;  // the database itself fails: keep the whole batch queued
      }
      any_refused = true;
      found.push_back(
          Refusal{batch[i].ticket, rows[i]->run_id, describe(*rows[i]) + ": " + driver_message(e)});
    }
  }
  if (!any_refused) return true;  // the failure went away while going row by row
  refusals = std::move(found);
  return true;
}

}  // namespace agenthost::database
