#pragma once
/// \file
/// EventLog: the durable, batched writer behind events::EventStore, and of the
/// changes to runs' records (status, question, checkpoint). Emitting threads append without
/// waiting; one writer thread stores everything queued (events and record changes of many runs) in
/// one transaction per batch, in append order, with statements prepared once for its session: a
/// run's start and end cost a share of a group commit, not transactions of their own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/wal_checkpointer.hpp"
#include "database/writer_statements.hpp"
#include "events/event_store.hpp"
#include "fiber/fair_queue.hpp"

namespace agenthost::database {

/// What became of a RunWrite.
struct WriteResult {
  /// Written: true when the run moved, false when it was no longer in a state the
  /// write applies to (see WriterStatements::write_run).
  bool moved = false;
  /// Empty when written; otherwise why not (refused by the database, no such run,
  /// the log stopped before it could be written).
  std::string error;
  /// An insert refused because its thread is missing or another user's (OwnershipError).
  bool foreign_thread = false;
};

class EventLog final : public events::EventStore {
 public:
  using WriteDone = std::function<void(WriteResult)>;

  /// Leases one pooled session for its writer thread for its whole life (so event
  /// storage never waits behind runs for a session) and starts the writer. Throws
  /// DatabaseError when no session can be leased. Batches hold up to `max_batch`
  /// events and record changes.
  explicit EventLog(DatabaseSessionManager& manager, std::size_t max_batch = 512);
  /// Stores what is still queued (retrying as usual), then stops the writer. Never
  /// throws: what still cannot be stored is named in an error log line, and record
  /// changes still queued are told so through their `done`.
  ~EventLog() override;

  /// Queues the event; never waits for the database. Thread-safe. The queue itself is
  /// unbounded (while storage fails, events stay queued and are retried); what bounds
  /// it is each run's pacer, which makes a run wait while too many of its events are
  /// unstored (unstored_events, wake_when_below). Throws DatabaseError once the log is
  /// being destroyed.
  void append(const events::EventPtr& event) override;
  /// The same, and the writer publishes the event through `deliver_to` after the
  /// commit that stores it (before it reports the record changes of that batch), in
  /// append order; an event the database refuses is never delivered.
  void append(const events::EventPtr& event, events::EventRouter* deliver_to) override;

  /// Returns when every event appended before the call is committed. Throws
  /// DatabaseError when a write failed after retries: either the database is
  /// unavailable (the events stay queued and are retried, so a later flush may
  /// succeed) or it refused particular events (each is logged with its run and
  /// seq and dropped; each refusal is reported once, here or by take_refusals()).
  void flush() override;
  /// For a reader of one run: waits for that run's events appended so far only.
  void await_run_settled(const std::string& run_id) override;

  /// Flow control of a run that emits faster than events are stored (its pacer waits
  /// while too many are queued): events of the run appended and not yet stored or
  /// refused. Wakes are called on the writer thread after the batch that brings the
  /// run below, or when the log gives up at shutdown.
  std::size_t unstored_events(const std::string& run_id) const override;
  std::uint64_t wake_when_below(const std::string& run_id, std::size_t below,
                                std::function<void()> wake) override;
  bool forget_wake(const std::string& run_id, std::uint64_t handle) override;

  /// Queues a change of a run's record behind every event appended before it, to be
  /// committed in the same transaction as the batch it falls in (so a run's terminal
  /// event is durable no later than its final status, its question no later than its
  /// waiting_input, the events before a checkpoint no later than the checkpoint). `done` is called
  /// once, on the writer thread, when the write is committed, refused, or the log
  /// stops first; while storage fails it stays queued and is retried with its batch.
  /// Returns a ticket for abandon_write(). Throws DatabaseError once the log is
  /// being destroyed.
  std::uint64_t write_run(RunWrite write, WriteDone done);
  /// The caller stops waiting for write `ticket`: true when its `done` will not be
  /// called; false when it is being or has been called. The write stays queued.
  bool abandon_write(std::uint64_t ticket);

  /// Takes (and so reports once) what the database refused of run `run_id`'s
  /// events: one line per refused event. Does not wait.
  std::vector<std::string> take_refusals(const std::string& run_id);

  /// True when the database takes one writer at a time (SQLite): a write of its own
  /// elsewhere would only wait for this log's writer, so it is best queued here.
  bool single_writer_database() const;

  /// Events committed so far (a copy of an already stored (run_id, seq) is not
  /// counted: writes are idempotent so a retried batch cannot store twice).
  std::uint64_t written() const;
  /// Events appended so far (stored, queued or refused): every event any run emitted.
  std::uint64_t appended() const;

  /// What the writer has done, for operators (GET /metrics): whether it keeps up
  /// (`queued`), how large its batches are (items_committed / commits) and how long
  /// the database takes for them (storing / commits).
  struct Stats {
    std::uint64_t queued = 0;  ///< events and record changes waiting for the writer now
    /// Transactions committed: one per batch, or one per item while a batch that
    /// failed whole is stored item by item.
    std::uint64_t commits = 0;
    std::uint64_t items_committed = 0;    ///< events and record changes in those transactions
    std::chrono::nanoseconds storing{0};  ///< time spent storing batches, retries included
    std::uint64_t failed_batches = 0;     ///< batches that failed every attempt (kept, retried)
    std::uint64_t events_refused = 0;  ///< events the database refused (dropped, told to their run)
    /// Times a run waited because too many of its events were not stored yet
    /// (wake_when_below): it emits faster than the database stores.
    std::uint64_t paced_waits = 0;
  };
  Stats stats() const;

  /// SQLite: the checkpointer that copies the write-ahead log off the writer's thread
  /// (null on PostgreSQL).
  const WalCheckpointer* checkpointer() const { return checkpointer_.get(); }

 private:
  /// A run record change in the queue. `applied` and `result` belong to the writer
  /// thread; `done` is guarded by mutex_ (abandon_write clears it).
  struct WriteOp {
    RunWrite write;
    bool applied = false;
    WriteResult result;
    WriteDone done;
  };
  /// An event or a run record change, in append order.
  struct Pending {
    events::EventPtr event;                     ///< or null for a run's record change
    events::EventRouter* deliver_to = nullptr;  ///< publishes `event` once stored
    std::shared_ptr<WriteOp> write;
    std::uint64_t ticket;  ///< 1-based append order
  };
  struct Refusal {
    std::uint64_t ticket;
    std::string run_id;  ///< the run whose event it was
    std::string reason;
  };

  void writer_loop();
  /// Under mutex_: queues `p` on its run's line.
  void enqueue_locked(Pending p);
  /// Under mutex_: `ticket` has been stored or refused.
  bool is_settled_locked(std::uint64_t ticket) const;
  /// Under mutex_: the tickets of `batch` are settled; settled_ moves past every
  /// ticket settled without a gap.
  void settle_locked(const std::vector<Pending>& batch);
  /// Under mutex_, after a wait: throws the storage error when `target` is still not
  /// settled.
  void check_settled_locked(std::uint64_t target) const;
  /// Under mutex_: takes the `done` of every applied record change of `batch`.
  std::vector<std::pair<WriteDone, WriteResult>> take_finished_locked(
      const std::vector<Pending>& batch);
  /// Publishes the events of a stored batch (but the refused ones) to their routers.
  static void deliver_stored(const std::vector<Pending>& batch,
                             const std::vector<std::uint64_t>& refused_tickets);
  /// Stores `batch` (with retries); returns the refusals, or sets `error` and
  /// returns false when storage failed and the batch must be kept (its record
  /// changes already applied stay applied).
  bool store_batch(const std::vector<Pending>& batch, std::vector<Refusal>& refusals,
                   std::uint64_t& stored, std::string& error);
  /// The whole batch in one transaction.
  std::uint64_t store_together(const std::vector<Pending>& batch);
  /// Item by item, each in its own transaction, so that a refused event or record
  /// change cannot hold back the others.
  bool store_one_by_one(const std::vector<Pending>& batch, std::vector<Refusal>& refusals,
                        std::uint64_t& stored, std::string& error);
  /// Counts a committed transaction of `items` events and record changes (writer thread).
  void counted_commit(std::size_t items) noexcept;
  /// The writer's session and its prepared statements, (re)opened when needed.
  WriterStatements& statements();
  void drop_session() noexcept;

  DatabaseSessionManager& manager_;
  const std::size_t max_batch_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // SQLite only; outlives the writer
  // The writer thread's alone.
  std::optional<DatabaseSessionManager::Lease> lease_;
  std::unique_ptr<WriterStatements> statements_;

  mutable std::mutex mutex_;
  std::condition_variable work_;  // writer: something queued, or stopping
  std::condition_variable done_;  // flush(): a batch settled or failed
  /// What waits for the writer: a line per run (a run's events and record changes in
  /// append order), batches taken from the runs in turn (up to 64 items of a run per
  /// turn, kept together for the index's sake). A run that emits a flood of
  /// events gets its turn in each batch like every other run, so it delays another
  /// user's run by a batch, not by the time the whole flood takes to store.
  fiber::FairQueue<Pending, /*Removable=*/false> queue_;
  std::uint64_t appended_ = 0;  // tickets handed out (events and record changes)
  std::uint64_t events_appended_ = 0;
  std::uint64_t settled_ = 0;  // every ticket <= settled_ is stored or refused
  // Runs' lines settle out of append order: for tickets settled_ + 1, + 2, ...,
  // whether each is settled already (the front is always false).
  std::deque<bool> settled_after_;
  std::uint64_t storage_failures_ = 0;
  std::string last_error_;
  std::vector<Refusal> refusals_;  // not yet reported
  /// A run with events not settled yet.
  struct Unsettled {
    std::uint64_t last_ticket = 0;  ///< of its last event appended
    std::size_t events = 0;         ///< appended and not yet settled
    struct Wake {
      std::uint64_t handle;
      std::size_t below;  ///< called once `events` is below this
      std::function<void()> wake;
    };
    std::vector<Wake> wakes;  ///< wake_when_below's, not yet called
  };
  /// Under mutex_: a batch settled; takes the wakes of its runs that are now below.
  void settle_runs_locked(const std::vector<Pending>& batch,
                          std::vector<std::function<void()>>& wakes);
  std::unordered_map<std::string, Unsettled> unsettled_runs_;
  std::uint64_t next_wake_ = 0;  // wakes kept so far: the paced waits
  // Status changes whose `done` is still to be called, by ticket.
  std::unordered_map<std::uint64_t, std::shared_ptr<WriteOp>> waiting_writes_;
  std::uint64_t written_ = 0;
  std::uint64_t events_refused_ = 0;
  // Written by the writer thread alone, read by stats().
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> items_committed_{0};
  std::atomic<std::int64_t> storing_ns_{0};
  bool stopping_ = false;
  bool stopped_ = false;

  std::thread writer_;
};

}  // namespace agenthost::database
