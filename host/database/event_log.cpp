#include "database/event_log.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "database/database_error.hpp"
#include "database/driver_message.hpp"
#include "database/write_transaction.hpp"
#include "events/event_router.hpp"
#include "threads/thread_name.hpp"

namespace agenthost::database {
namespace {

// Attempts per batch before the failure is reported to flush(): the first retries
// ride out a busy lock or a reconnect.
constexpr int kAttemptsPerBatch = 3;
constexpr std::chrono::milliseconds kFirstRetryDelay{50};
// Items of one run taken in a row when building a batch: the runs take turns (one
// run's flood delays another's event by at most this many of its items per run
// waiting), and a run's events are inserted together (neighbours in the index:
// one at a time in turn cost the writer 15% more per commit with 10 streaming runs).
constexpr std::size_t kItemsPerTurn = 64;
// After a batch failed all its attempts: wait this long before trying it again.
constexpr std::chrono::milliseconds kFailedBatchPause{1000};

std::string describe(const events::Event& event) {
  return "event " + std::to_string(event.seq) + " (" + event.type + ") of run '" + event.run_id +
         "'";
}

using Finished = std::vector<std::pair<EventLog::WriteDone, WriteResult>>;

// The run an event or record change belongs to: the line it waits in.
template <class Pending>
const std::string& run_of(const Pending& p) {
  return p.event ? p.event->run_id : p.write->write.run_id;
}

void call_all(Finished& finished) {
  for (auto& [done, result] : finished) done(std::move(result));
}

// A record change inside the batch's transaction. Its own failures (a thread that is
// not the run's user's, no such run, an unknown status) are checked before anything
// is written and leave the transaction usable: they are the write's result, not the
// batch's. The database's own errors propagate.
WriteResult apply_write(WriterStatements& statements, const RunWrite& write) {
  try {
    return {statements.write_run(write), "", false};
  } catch (const OwnershipError& e) {
    return {false, e.what(), true};
  } catch (const DatabaseError& e) {  // no such run
    return {false, e.what(), false};
  } catch (const std::invalid_argument& e) {
    return {false, e.what(), false};
  }
}

}  // namespace

EventLog::EventLog(DatabaseSessionManager& manager, std::size_t max_batch)
    : manager_(manager), max_batch_(std::max<std::size_t>(max_batch, 1)) {
  if (single_writer_database())
    checkpointer_ = std::make_unique<WalCheckpointer>(manager_.open_dedicated_session());
  lease_.emplace(manager_.acquire());
  writer_ = threads::start_named("ah-event-writer", [this] { writer_loop(); });
}

EventLog::~EventLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  writer_.join();
  // The session goes back to the pool: with SQLite's own checkpoints again.
  if (checkpointer_ && *lease_) checkpointer_->unwatch(lease_->session());
}

void EventLog::append(const events::EventPtr& event) { append(event, nullptr); }

void EventLog::append(const events::EventPtr& event, events::EventRouter* deliver_to) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_)
      throw DatabaseError("event log is stopping; " + describe(*event) + " was not stored");
    enqueue_locked(Pending{event, deliver_to, nullptr, ++appended_});
    ++events_appended_;
    auto& run = unsettled_runs_[event->run_id];
    run.last_ticket = appended_;
    ++run.events;
  }
  work_.notify_one();
}

void EventLog::enqueue_locked(Pending p) {
  settled_after_.push_back(false);  // p.ticket == settled_ + settled_after_.size()
  // The id lives in the event or write that p shares, which outlives the move.
  const auto& run = run_of(p);
  queue_.push(run, std::move(p));
}

bool EventLog::is_settled_locked(std::uint64_t ticket) const {
  return ticket <= settled_ ||
         (ticket - settled_ <= settled_after_.size() && settled_after_[ticket - settled_ - 1]);
}

void EventLog::settle_locked(const std::vector<Pending>& batch) {
  for (const auto& p : batch) settled_after_[p.ticket - settled_ - 1] = true;
  while (!settled_after_.empty() && settled_after_.front()) {
    settled_after_.pop_front();
    ++settled_;
  }
}

bool EventLog::single_writer_database() const { return manager_.backend() == "sqlite3"; }

std::uint64_t EventLog::write_run(RunWrite write, WriteDone done) {
  auto op = std::make_shared<WriteOp>();
  op->write = std::move(write);
  op->done = std::move(done);
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_)
      throw DatabaseError("event log is stopping; the " + op->write.what() + " of run '" +
                          op->write.run_id + "' was not written");
    ticket = ++appended_;
    enqueue_locked(Pending{nullptr, nullptr, op, ticket});
    waiting_writes_.emplace(ticket, op);
  }
  work_.notify_one();
  return ticket;
}

bool EventLog::abandon_write(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  return waiting_writes_.erase(ticket) > 0;
}

std::vector<std::string> EventLog::take_refusals(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> reasons;
  std::erase_if(refusals_, [&](Refusal& r) {
    if (r.run_id != run_id) return false;
    reasons.push_back(std::move(r.reason));
    return true;
  });
  return reasons;
}

std::uint64_t EventLog::appended() const {
  std::lock_guard lock(mutex_);
  return events_appended_;
}

void EventLog::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_;
  const std::uint64_t failures_before = storage_failures_;
  done_.wait(
      lock, [&] { return settled_ >= target || storage_failures_ != failures_before || stopped_; });
  // Refusals up to `target` are reported once, by this call.
  auto split = std::stable_partition(refusals_.begin(), refusals_.end(),
                                     [&](const Refusal& r) { return r.ticket > target; });
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
  check_settled_locked(target);
}

void EventLog::await_run_settled(const std::string& run_id) {
  std::unique_lock lock(mutex_);
  const auto it = unsettled_runs_.find(run_id);
  if (it == unsettled_runs_.end()) return;
  const std::uint64_t target = it->second.last_ticket;
  const std::uint64_t failures_before = storage_failures_;
  done_.wait(lock, [&] {
    return is_settled_locked(target) || storage_failures_ != failures_before || stopped_;
  });
  check_settled_locked(target);
}

std::size_t EventLog::unstored_events(const std::string& run_id) const {
  std::lock_guard lock(mutex_);
  const auto it = unsettled_runs_.find(run_id);
  return it == unsettled_runs_.end() ? 0 : it->second.events;
}

std::uint64_t EventLog::wake_when_below(const std::string& run_id, std::size_t below,
                                        std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  const auto it = unsettled_runs_.find(run_id);
  if (it == unsettled_runs_.end() || it->second.events < below) return 0;
  it->second.wakes.push_back({++next_wake_, below, std::move(wake)});
  return next_wake_;
}

bool EventLog::forget_wake(const std::string& run_id, std::uint64_t handle) {
  std::lock_guard lock(mutex_);
  const auto it = unsettled_runs_.find(run_id);
  if (it == unsettled_runs_.end()) return false;
  return std::erase_if(it->second.wakes, [&](const auto& w) { return w.handle == handle; }) > 0;
}

void EventLog::settle_runs_locked(const std::vector<Pending>& batch,
                                  std::vector<std::function<void()>>& wakes) {
  for (const auto& p : batch) {
    if (!p.event) continue;
    const auto it = unsettled_runs_.find(p.event->run_id);
    if (it == unsettled_runs_.end()) continue;
    auto& run = it->second;
    --run.events;
    std::erase_if(run.wakes, [&](auto& w) {
      if (run.events >= w.below) return false;
      wakes.push_back(std::move(w.wake));
      return true;
    });
    if (run.events == 0) unsettled_runs_.erase(it);
  }
}

void EventLog::check_settled_locked(std::uint64_t target) const {
  if (is_settled_locked(target)) return;
  throw DatabaseError("event log: events are not yet stored in '" + manager_.masked_url() +
                      "': " + last_error_ +
                      (stopped_ ? "" : "; they stay queued and the writer keeps retrying"));
}

EventLog::Stats EventLog::stats() const {
  Stats s;
  {
    std::lock_guard lock(mutex_);
    s.queued = queue_.size();
    s.failed_batches = storage_failures_;
    s.events_refused = events_refused_;
    s.paced_waits = next_wake_;
  }
  s.commits = commits_.load(std::memory_order_relaxed);
  s.items_committed = items_committed_.load(std::memory_order_relaxed);
  s.storing = std::chrono::nanoseconds(storing_ns_.load(std::memory_order_relaxed));
  return s;
}

std::uint64_t EventLog::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

Finished EventLog::take_finished_locked(const std::vector<Pending>& batch) {
  Finished finished;
  for (const auto& p : batch) {
    if (!p.write || !p.write->applied) continue;
    const auto it = waiting_writes_.find(p.ticket);
    if (it == waiting_writes_.end()) continue;  // abandoned, or told already
    finished.emplace_back(std::move(it->second->done), p.write->result);
    waiting_writes_.erase(it);
  }
  return finished;
}

void EventLog::writer_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is stored

    std::vector<Pending> batch;
    batch.reserve(std::min(max_batch_, queue_.size()));
    while (batch.size() < max_batch_ &&
           queue_.pop_several(batch, std::min(kItemsPerTurn, max_batch_ - batch.size())) > 0) {
    }
    lock.unlock();

    std::vector<Refusal> refused;
    std::uint64_t stored = 0;
    std::string error;
    const auto storing_since = std::chrono::steady_clock::now();
    const bool ok = store_batch(batch, refused, stored, error);
    storing_ns_.fetch_add(
        std::chrono::nanoseconds(std::chrono::steady_clock::now() - storing_since).count(),
        std::memory_order_relaxed);

    lock.lock();
    written_ += stored;
    auto finished = take_finished_locked(batch);
    if (ok) {
      std::vector<std::uint64_t> refused_tickets;
      for (auto& r : refused) {
        spdlog::error("event log: {}; the event is dropped", r.reason);
        refused_tickets.push_back(r.ticket);
        refusals_.push_back(std::move(r));
        ++events_refused_;
      }
      // Delivered outside the lock (a subscriber may append again), and before the
      // batch counts as settled: whoever flush()ed or awaited a run then finds its
      // events delivered too, and a run told its final status is written (below)
      // has had its terminal event delivered before it ends its subscription.
      lock.unlock();
      deliver_stored(batch, refused_tickets);
      lock.lock();
      settle_locked(batch);
      std::vector<std::function<void()>> wakes;
      settle_runs_locked(batch, wakes);
      done_.notify_all();
      lock.unlock();
      call_all(finished);  // outside the lock: a `done` may append or write again
      for (auto& wake : wakes) wake();
      lock.lock();
      continue;
    }

    ++storage_failures_;
    last_error_ = error;
    if (stopping_) {
      // Shutting down and the database still fails: nothing more can be done.
      const auto lost = batch.size() + queue_.size();
      spdlog::error(
          "event log: stopping with {} event(s) and record change(s) not stored in "
          "'{}': {}",
          lost, manager_.masked_url(), error);
      // Reported to each run that lost events (and to a global flush).
      std::vector<std::function<void()>> wakes;
      for (auto& [run_id, run] : unsettled_runs_) {
        refusals_.push_back(
            Refusal{run.last_ticket, run_id, "its events were not stored at shutdown: " + error});
        for (auto& w : run.wakes) wakes.push_back(std::move(w.wake));
      }
      for (auto& [ticket, op] : waiting_writes_)
        finished.emplace_back(std::move(op->done),
                              WriteResult{false, "not written before shutdown: " + error});
      waiting_writes_.clear();
      queue_.clear();
      unsettled_runs_.clear();
      settled_ = appended_;
      settled_after_.clear();
      done_.notify_all();
      lock.unlock();
      call_all(finished);
      for (auto& wake : wakes) wake();
      lock.lock();
      break;
    }
    spdlog::error(
        "event log: storing {} event(s) and record change(s) in '{}' failed after {} attempts: "
        "{}; keeping them queued and retrying",
        batch.size(), manager_.masked_url(), kAttemptsPerBatch, error);
    // Put the batch back at the head of each run's line, so each run's events stay in
    // seq order.
    for (auto p = batch.rbegin(); p != batch.rend(); ++p) {
      const auto& run = run_of(*p);
      queue_.push_front(run, std::move(*p));
    }
    done_.notify_all();
    lock.unlock();
    call_all(finished);  // record changes applied one by one before the failure
    lock.lock();
    work_.wait_for(lock, kFailedBatchPause, [&] { return stopping_; });
  }
  stopped_ = true;
  done_.notify_all();
}

void EventLog::deliver_stored(const std::vector<Pending>& batch,
                              const std::vector<std::uint64_t>& refused_tickets) {
  for (const auto& p : batch) {
    if (!p.event || !p.deliver_to) continue;
    if (std::find(refused_tickets.begin(), refused_tickets.end(), p.ticket) !=
        refused_tickets.end())
      continue;
    p.deliver_to->publish(p.event);
  }
}

WriterStatements& EventLog::statements() {
  if (!*lease_) lease_.emplace(manager_.acquire());
  if (!statements_) {
    statements_ = std::make_unique<WriterStatements>(lease_->session());
    if (checkpointer_) checkpointer_->watch(lease_->session());
  }
  return *statements_;
}

void EventLog::drop_session() noexcept {
  statements_.reset();  // before the session they were prepared on
  if (*lease_ && !lease_->session().is_connected()) {
    lease_->discard();
    lease_->release();
  }
}

void EventLog::counted_commit(std::size_t items) noexcept {
  commits_.fetch_add(1, std::memory_order_relaxed);
  items_committed_.fetch_add(items, std::memory_order_relaxed);
}

std::uint64_t EventLog::store_together(const std::vector<Pending>& batch) {
  std::vector<const events::Event*> rows;
  rows.reserve(batch.size());
  for (const auto& p : batch)
    if (p.event) rows.push_back(p.event.get());
  auto& st = statements();
  WriteTransaction tx(lease_->session());
  const auto stored = st.insert_events(rows);
  // Results are kept aside: the transaction may still fail at commit.
  std::vector<WriteResult> results;
  for (const auto& p : batch) {
    if (!p.write || p.write->applied) continue;
    results.push_back(apply_write(st, p.write->write));
  }
  tx.commit();
  counted_commit(rows.size() + results.size());
  auto result = results.begin();
  for (const auto& p : batch) {
    if (!p.write || p.write->applied) continue;
    p.write->result = std::move(*result++);
    p.write->applied = true;
  }
  return stored;
}

bool EventLog::store_batch(const std::vector<Pending>& batch, std::vector<Refusal>& refusals,
                           std::uint64_t& stored, std::string& error) {
  auto delay = kFirstRetryDelay;
  bool refused = false;
  for (int attempt = 1; attempt <= kAttemptsPerBatch && !refused; ++attempt) {
    try {
      stored += store_together(batch);
      return true;
    } catch (const std::exception& e) {
      error = driver_message(e);
      refused = is_refused_row_error(e);
      if (refused) break;
      drop_session();
    }
    if (attempt < kAttemptsPerBatch) {
      std::this_thread::sleep_for(delay);
      delay *= 5;
    }
  }
  // A record change the database keeps failing (a trigger, a lock) must not hold
  // back every run's events: item by item, it fails alone and its run is told.
  const bool has_writes =
      std::any_of(batch.begin(), batch.end(), [](const Pending& p) { return p.write != nullptr; });
  if (!refused && !has_writes) return false;
  return store_one_by_one(batch, refusals, stored, error);
}

bool EventLog::store_one_by_one(const std::vector<Pending>& batch, std::vector<Refusal>& refusals,
                                std::uint64_t& stored, std::string& error) {
  std::vector<Refusal> found;
  for (const auto& p : batch) {
    if (p.write && p.write->applied) continue;
    try {
      auto& st = statements();
      WriteTransaction tx(lease_->session());
      if (p.event) {
        stored += st.insert_events({p.event.get()});
        tx.commit();
        counted_commit(1);
        continue;
      }
      auto result = apply_write(st, p.write->write);
      tx.commit();
      counted_commit(1);
      p.write->result = std::move(result);
      p.write->applied = true;
    } catch (const std::exception& e) {
      const bool refused = is_refused_row_error(e);
      const bool connected = *lease_ && lease_->session().is_connected();
      // An event the database cannot take now, or a lost connection: the database
      // itself fails, and the batch is kept queued (in order) and retried.
      if ((p.event && !refused) || !connected) {
        error = driver_message(e);
        drop_session();
        return false;
      }
      if (p.event) {
        found.push_back(
            Refusal{p.ticket, p.event->run_id, describe(*p.event) + ": " + driver_message(e)});
      } else {
        p.write->result = WriteResult{false, "the database refused it: " + driver_message(e)};
        p.write->applied = true;
      }
    }
  }
  refusals = std::move(found);
  return true;
}

}  // namespace agenthost::database
