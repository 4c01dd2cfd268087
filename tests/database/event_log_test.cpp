#include <catch2/catch.hpp>

#include <soci/soci.h>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "database/event_log.hpp"
#include "database/run_store.hpp"
#include "database_test_support.hpp"
#include "events/event_router.hpp"
#include "events/event_sink.hpp"
#include "support/wait_until.hpp"

using namespace agenthost::database;
using namespace agenthost::database::test;
using agenthost::events::Event;
using agenthost::events::EventPtr;
namespace json = boost::json;

namespace {

EventPtr make_event(const std::string& run_id, std::uint64_t seq, json::object payload = {}) {
  auto e = std::make_shared<Event>();
  e->type = "progress_update";
  e->user_id = "user-of-" + run_id;
  e->run_id = run_id;
  e->thread_id = "thread-of-" + run_id;
  e->agent_name = "counter";
  e->seq = seq;
  e->timestamp = std::chrono::system_clock::now();
  e->payload = payload.empty() ? json::object{{"step", seq}} : std::move(payload);
  return e;
}

long long stored_events(DatabaseSessionManager& manager) {
  auto lease = manager.acquire();
  long long n = -1;
  lease.session() << "SELECT COUNT(*) FROM events", soci::into(n);
  return n;
}

}  // namespace

TEST_CASE("ten thousand events from several threads are stored once each in seq order",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunStore store(*manager);
  EventLog log(*manager);

  constexpr int kThreads = 4, kRunsPerThread = 2, kEventsPerRun = 1250;
  std::vector<std::thread> emitters;
  for (int t = 0; t < kThreads; ++t) {
    emitters.emplace_back([&, t] {
      // Each thread interleaves its runs, as concurrent runs on one emitter would.
      for (int seq = 1; seq <= kEventsPerRun; ++seq)
        for (int r = 0; r < kRunsPerThread; ++r)
          log.append(make_event("run-" + std::to_string(t) + "-" + std::to_string(r),
                                static_cast<std::uint64_t>(seq)));
    });
  }
  for (auto& t : emitters) t.join();
  log.flush();

  CHECK(log.written() == 10000);
  CHECK(stored_events(*manager) == 10000);
  for (int t = 0; t < kThreads; ++t) {
    for (int r = 0; r < kRunsPerThread; ++r) {
      const std::string run = "run-" + std::to_string(t) + "-" + std::to_string(r);
      auto events = store.events_after(run, "user-of-" + run, 0);
      REQUIRE(events.size() == kEventsPerRun);
      for (std::size_t i = 0; i < events.size(); ++i) {
        REQUIRE(events[i].seq == i + 1);
        REQUIRE(events[i].payload.at("step") == static_cast<std::int64_t>(i + 1));
      }
      CHECK(events.front().thread_id == "thread-of-" + run);
      CHECK(events.front().agent_name == "counter");
      // Resuming after a seq returns exactly the rest, bounded by the limit.
      auto rest = store.events_after(run, "user-of-" + run, 1200, 30);
      REQUIRE(rest.size() == 30);
      CHECK(rest.front().seq == 1201);
      CHECK(rest.back().seq == 1230);
    }
  }
}

TEST_CASE("any text is stored exactly: quotes, backslashes, braces, commas, NULL, unicode",
          "[database][event_log]") {
  // PostgreSQL gets each batch as one array literal per column: every character an
  // array literal gives a meaning to must come back as it went in.
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunStore store(*manager);
  EventLog log(*manager, 4);
  const std::vector<std::string> texts{"",
                                       "NULL",
                                       "null",
                                       "a,b",
                                       "{x}",
                                       "{\"y\"}",
                                       "say \"hi\"",
                                       "back\\slash\\",
                                       "\\\"",
                                       " leading and trailing ",
                                       "tab\tnew\nline",
                                       "ünïcødé ✓ 漢字",
                                       "}",
                                       "{",
                                       "\"",
                                       ",",
                                       "'quote'"};
  std::uint64_t seq = 0;
  for (const auto& text : texts) {
    auto event = std::make_shared<Event>(
        *make_event("run-texts", ++seq, json::object{{"text", text}, {"k\"ey,{}", text}}));
    event->type = "t" + std::to_string(seq) + "_type";
    log.append(event);
  }
  log.flush();
  const auto events = store.events_after("run-texts", "user-of-run-texts", 0);
  REQUIRE(events.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CAPTURE(texts[i]);
    CHECK(events[i].seq == i + 1);
    CHECK(events[i].type == "t" + std::to_string(i + 1) + "_type");
    CHECK(std::string(events[i].payload.at("text").as_string()) == texts[i]);
    CHECK(std::string(events[i].payload.at("k\"ey,{}").as_string()) == texts[i]);
    CHECK(events[i].thread_id == "thread-of-run-texts");
  }
}

TEST_CASE("flush() returns once everything appended before it is committed",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  EventLog log(*manager, 8);
  log.flush();  // nothing appended: returns at once
  CHECK(log.stats().commits == 0);
  for (std::uint64_t seq = 1; seq <= 100; ++seq) log.append(make_event("run-flush", seq));
  log.flush();
  // Visible through any other session right after flush().
  CHECK(stored_events(*manager) == 100);
  CHECK(log.written() == 100);
  // The operators' figures: batches of at most 8, every event in one of them.
  const auto stats = log.stats();
  CHECK(stats.queued == 0);
  CHECK(stats.items_committed == 100);
  CHECK(stats.commits >= 13);
  CHECK(stats.commits <= 100);
  CHECK(stats.storing.count() > 0);
  CHECK(stats.failed_batches == 0);
  // Storing the same (run_id, seq) again (a retried batch) does not duplicate it.
  log.append(make_event("run-flush", 100));
  log.flush();
  CHECK(stored_events(*manager) == 100);
}

TEST_CASE("the event log's destructor stores what is still queued", "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  {
    EventLog log(*manager);
    for (std::uint64_t seq = 1; seq <= 2000; ++seq) log.append(make_event("run-late", seq));
  }
  CHECK(stored_events(*manager) == 2000);
}

TEST_CASE("flush() throws while storage fails and succeeds once it recovers losing nothing",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  EventLog log(*manager);
  log.append(make_event("run-outage", 1));
  log.flush();

  take_events_table_away(*manager);
  log.append(make_event("run-outage", 2));
  log.append(make_event("run-outage", 3));
  CHECK_THROWS_WITH(log.flush(),
                    Catch::Contains("not yet stored") && Catch::Contains("keeps retrying"));
  CHECK(log.stats().failed_batches >= 1);
  // Both stay queued (out of the queue only while an attempt runs).
  CHECK(agenthost::testing::wait_until([&] { return log.stats().queued == 2; }));
  restore_events_table(*manager);
  log.flush();
  CHECK(stored_events(*manager) == 3);
  CHECK(log.written() == 3);
}

TEST_CASE("an event the database refuses does not hold back the others", "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  if (backend != "postgresql") {
    SUCCEED("only PostgreSQL refuses invalid UTF-8 text; SQLite stores the bytes");
    return;
  }
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  EventLog log(*manager);
  log.append(make_event("run-mixed", 1));
  log.append(make_event("run-mixed", 2, json::object{{"text", json::string("\xff\xfe bad")}}));
  log.append(make_event("run-mixed", 3));
  CHECK_THROWS_WITH(log.flush(),
                    Catch::Contains("dropped") &&
                        Catch::Contains("event 2 (progress_update) of run 'run-mixed'"));
  CHECK(stored_events(*manager) == 2);
  log.append(make_event("run-mixed", 4));
  log.flush();  // the refusal was reported once
  CHECK(stored_events(*manager) == 3);
}

TEST_CASE("an event the database refuses is reported to its own run, never to another or a reader",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  {
    // A real refusal on either backend: a trigger rejecting one payload.
    auto lease = manager->acquire();
    auto& sql = lease.session();
    if (backend == "sqlite3") {
      sql << "CREATE TRIGGER refuse_poison BEFORE INSERT ON events"
             " WHEN NEW.payload LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poison refused'); END";
    } else {
      sql << "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN"
             " RAISE EXCEPTION 'poison refused' USING ERRCODE = 'check_violation'; END $$"
             " LANGUAGE plpgsql";
      sql << "CREATE TRIGGER refuse_poison BEFORE INSERT ON events FOR EACH ROW"
             " WHEN (NEW.payload LIKE '%poison%') EXECUTE FUNCTION refuse_poison()";
    }
  }
  EventLog log(*manager);
  log.await_run_settled("run-quiet");  // nothing pending for it: returns at once
  log.append(make_event("run-a", 1));
  log.append(make_event("run-b", 1, json::object{{"text", "poison"}}));
  log.append(make_event("run-a", 2));
  log.await_run_settled("run-a");
  log.await_run_settled("run-b");  // a reader of run-b waits, but does not take the refusal
  CHECK(stored_events(*manager) == 2);
  CHECK(log.take_refusals("run-a").empty());
  const auto refused = log.take_refusals("run-b");
  REQUIRE(refused.size() == 1);
  CHECK_THAT(refused[0], Catch::Contains("event 1") && Catch::Contains("of run 'run-b'"));
  CHECK(log.take_refusals("run-b").empty());  // reported once
  log.flush();                                // and not to a global flush afterwards either
  CHECK(log.stats().events_refused == 1);
}

namespace {

// A queued run's record (its status left empty: queued).
RunRecord queued_record(const std::string& run_id, const std::string& user,
                        const std::string& thread, json::value input = json::object{}) {
  RunRecord run;
  run.run_id = run_id;
  run.thread_id = thread;
  run.user_id = user;
  run.agent_name = "counter";
  run.status = "";
  run.input = std::move(input);
  run.created_at = std::chrono::system_clock::now();
  return run;
}

// A run "run-s" of user "u", queued, in `manager`'s database.
void insert_queued_run(DatabaseSessionManager& manager) {
  RunStore runs(manager);
  runs.create_thread("thread-s", "u");
  runs.insert_run(queued_record("run-s", "u", "thread-s"));
}

RunWrite start_of(const std::string& run_id, long long at_ms) {
  return RunWrite::start(run_id, at_ms);
}

// write_run, waited for.
WriteResult write_and_wait(EventLog& log, RunWrite write) {
  std::promise<WriteResult> told;
  log.write_run(std::move(write), [&](WriteResult r) { told.set_value(std::move(r)); });
  auto result = told.get_future();
  REQUIRE(result.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  return result.get();
}

}  // namespace

TEST_CASE("a run's status changes are committed after the events appended before them",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  insert_queued_run(*manager);
  EventLog log(*manager);
  RunStore runs(*manager);

  for (std::uint64_t seq = 1; seq <= 3; ++seq) log.append(make_event("run-s", seq));
  auto started = write_and_wait(log, start_of("run-s", 1000));
  CHECK(started.error.empty());
  CHECK(started.moved);
  CHECK(stored_events(*manager) == 3);  // committed with it, or before
  CHECK(runs.find_run("run-s", "u")->status == "running");
  // Not queued any more: the same change does not apply twice.
  CHECK_FALSE(write_and_wait(log, start_of("run-s", 1001)).moved);

  log.append(make_event("run-s", 4));
  auto finished = write_and_wait(
      log, RunWrite::finish("run-s", "completed", R"({"answer":42})", std::nullopt, 2000));
  CHECK(finished.error.empty());
  CHECK(finished.moved);
  CHECK(stored_events(*manager) == 4);
  const auto record = runs.find_run("run-s", "u");
  CHECK(record->status == "completed");
  CHECK(record->result->at("answer") == 42);
  CHECK(record->finished_at.has_value());

  auto missing =
      write_and_wait(log, RunWrite::finish("no-such-run", "failed", std::nullopt, std::nullopt, 1));
  CHECK_THAT(missing.error, Catch::Contains("no such run"));
}

TEST_CASE(
    "new runs' records go through the writer, and a thread not the user's fails that run alone",
    "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  insert_queued_run(*manager);  // thread-s is u's
  EventLog log(*manager, 64);
  RunStore runs(*manager);
  auto record_of = [](const std::string& run_id, const std::string& user,
                      const std::string& thread) {
    return queued_record(run_id, user, thread, json::object{{"n", 1}});
  };
  // Queued together so that they share batches: the refused ones must not fail the
  // others, nor the events between them.
  std::vector<std::pair<std::string, std::future<WriteResult>>> results;
  auto queue = [&](RunRecord run, bool create_thread) {
    auto told = std::make_shared<std::promise<WriteResult>>();
    results.emplace_back(run.run_id, told->get_future());
    log.write_run(RunWrite::insert(std::move(run), create_thread),
                  [told](WriteResult r) { told->set_value(std::move(r)); });
  };
  queue(record_of("run-owned", "u", "thread-s"), false);
  log.append(make_event("run-s", 1));
  queue(record_of("run-foreign", "intruder", "thread-s"), false);
  queue(record_of("run-missing", "u", "thread-nobody"), false);
  queue(record_of("run-new-thread", "v", "thread-v"), true);
  queue(record_of("run-claims", "intruder", "thread-v"), true);  // exists now: v's
  log.append(make_event("run-s", 2));
  std::map<std::string, WriteResult> told;
  for (auto& [run_id, future] : results) {
    REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    told[run_id] = future.get();
  }
  log.flush();
  for (const auto* ok : {"run-owned", "run-new-thread"}) {
    CAPTURE(ok);
    CHECK(told[ok].moved);
    CHECK(told[ok].error.empty());
  }
  for (const auto* refused : {"run-foreign", "run-missing", "run-claims"}) {
    CAPTURE(refused);
    CHECK_FALSE(told[refused].moved);
    CHECK(told[refused].foreign_thread);
  }
  CHECK_THAT(told["run-missing"].error, Catch::Contains("does not exist"));
  CHECK_THAT(told["run-claims"].error, Catch::Contains("belongs to another user"));
  CHECK(runs.find_run("run-owned", "u")->status == "queued");
  CHECK(runs.find_run("run-owned", "u")->input.at("n") == 1);
  CHECK(runs.find_run("run-new-thread", "v")->thread_id == "thread-v");
  CHECK(runs.thread_owner("thread-v", "v") == RunStore::ThreadOwnership::owned);
  CHECK_FALSE(runs.find_run("run-foreign", "intruder"));
  CHECK_FALSE(runs.find_run("run-claims", "intruder"));
  CHECK_FALSE(runs.find_run("run-missing", "u"));
  CHECK(stored_events(*manager) == 2);
}

TEST_CASE("a status write waits out an outage in the queue and can be abandoned meanwhile",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  insert_queued_run(*manager);
  EventLog log(*manager);
  take_events_table_away(*manager);
  log.append(make_event("run-s", 1));
  std::atomic<bool> told{false};
  const auto ticket = log.write_run(start_of("run-s", 5), [&](WriteResult) { told = true; });
  CHECK_THROWS_WITH(log.flush(), Catch::Contains("not yet stored"));
  CHECK_FALSE(told.load());  // behind the event, which cannot be stored
  CHECK(log.abandon_write(ticket));
  restore_events_table(*manager);
  log.flush();
  // Written all the same, after its event; its waiter, gone, is not called.
  CHECK(stored_events(*manager) == 1);
  CHECK(RunStore(*manager).find_run("run-s", "u")->status == "running");
  CHECK_FALSE(told.load());
  CHECK_FALSE(log.abandon_write(ticket));
}

namespace {

// A migrated database, an event log on it and the router it delivers through.
struct RoutedLog {
  explicit RoutedLog(const std::string& backend) : db(backend), manager(db.open_migrated()) {}
  TestDatabase db;
  std::unique_ptr<DatabaseSessionManager> manager;
  agenthost::events::EventRouter router;
  EventLog log{*manager};
};

// Events a subscriber received, in order.
class DeliveredEvents final : public agenthost::events::EventSink {
 public:
  void deliver(const EventPtr& event) noexcept override {
    std::lock_guard lock(mutex_);
    seqs_.push_back(event->seq);
  }
  std::vector<std::uint64_t> seqs() const {
    std::lock_guard lock(mutex_);
    return seqs_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> seqs_;
};

}  // namespace

TEST_CASE("an event is delivered only once it is stored", "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  RoutedLog t(backend);
  auto& [db, manager, router, log] = t;
  auto sink = std::make_shared<DeliveredEvents>();
  auto sub = router.subscribe("user-of-run-d", "run-d", sink);

  // Storage fails: nothing is delivered, although the events were appended.
  take_events_table_away(*manager);
  log.append(make_event("run-d", 1), &router);
  log.append(make_event("run-d", 2), &router);
  CHECK_THROWS_WITH(log.flush(), Catch::Contains("not yet stored"));
  CHECK(sink->seqs().empty());
  restore_events_table(*manager);
  log.flush();  // stored now, and delivered before flush() returns
  CHECK(sink->seqs() == std::vector<std::uint64_t>{1, 2});
  CHECK(stored_events(*manager) == 2);
}

namespace {

// Counts what a subscriber received; `seen_before` is what `other` had counted when
// this sink's first event came.
class CountingSink final : public agenthost::events::EventSink {
 public:
  explicit CountingSink(const CountingSink* other = nullptr) : other_(other) {}
  void deliver(const EventPtr&) noexcept override {
    if (other_ && count_ == 0) seen_before = other_->count_.load();
    ++count_;
  }
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> seen_before{0};

 private:
  const CountingSink* other_;
};

}  // namespace

TEST_CASE("a run that emits a flood does not hold another run's event behind all of it",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  RoutedLog t(backend);
  auto& [db, manager, router, log] = t;
  auto flood = std::make_shared<CountingSink>();
  auto other = std::make_shared<CountingSink>(flood.get());
  auto flood_sub = router.subscribe("user-of-run-flood", "run-flood", flood);
  auto other_sub = router.subscribe("user-of-run-other", "run-other", other);

  // Storage fails while both are queued, so the writer finds them all waiting (the
  // flood first) when it recovers, and must take them in turn.
  take_events_table_away(*manager);
  constexpr std::uint64_t kFlood = 20000;
  for (std::uint64_t seq = 1; seq <= kFlood; ++seq)
    log.append(make_event("run-flood", seq), &router);
  log.append(make_event("run-other", 1), &router);
  CHECK_THROWS_WITH(log.flush(), Catch::Contains("not yet stored"));
  restore_events_table(*manager);
  log.flush();
  CHECK(flood->count_ == kFlood);
  CHECK(other->count_ == 1);
  // In line behind the flood it would have come after all 20,000; in turn, it goes
  // in the first batch (512 items).
  CHECK(other->seen_before < 512);
  CHECK(stored_events(*manager) == static_cast<long long>(kFlood + 1));
}

TEST_CASE("a run's pacer is told how many of its events wait, and woken once fewer do",
          "[database][event_log]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  RoutedLog t(backend);
  auto& [db, manager, router, log] = t;
  CHECK(log.unstored_events("run-p") == 0);
  CHECK(log.wake_when_below("run-p", 1, [] {}) == 0);  // nothing waits: no wake kept

  // Storage fails: the run's events wait, and its pacer can be woken when they are stored.
  take_events_table_away(*manager);
  constexpr std::uint64_t kEvents = 3000;
  for (std::uint64_t seq = 1; seq <= kEvents; ++seq) log.append(make_event("run-p", seq), &router);
  log.append(make_event("run-q", 1), &router);
  CHECK(log.unstored_events("run-p") == kEvents);
  CHECK(log.unstored_events("run-q") == 1);
  CHECK(log.wake_when_below("run-p", kEvents + 1, [] {}) == 0);  // already below

  std::atomic<int> woken{0}, forgotten_woken{0};
  const auto kept = log.wake_when_below("run-p", 1000, [&] { ++woken; });
  CHECK(kept != 0);
  const auto dropped = log.wake_when_below("run-p", 1000, [&] { ++forgotten_woken; });
  CHECK(log.forget_wake("run-p", dropped));
  CHECK_THROWS_WITH(log.flush(), Catch::Contains("not yet stored"));
  CHECK(woken == 0);  // none stored: still waiting
  restore_events_table(*manager);
  log.flush();
  // Called on the writer's thread just after the batch that brought the run below.
  REQUIRE(agenthost::testing::wait_until([&] { return woken == 1; }, std::chrono::seconds(10)));
  CHECK(forgotten_woken == 0);
  CHECK_FALSE(log.forget_wake("run-p", kept));  // called already
  CHECK(log.unstored_events("run-p") == 0);
  CHECK(log.unstored_events("run-q") == 0);
}

namespace {

// Appends `count` events of about 2 KB each to run `run_id` and waits for them.
void write_pages(EventLog& log, const std::string& run_id, int count) {
  const std::string filler(2000, 'x');
  for (int i = 1; i <= count; ++i)
    log.append(make_event(run_id, static_cast<std::uint64_t>(i), json::object{{"fill", filler}}));
  log.flush();
}

// A read transaction holding its snapshot while it lives: no checkpoint can copy what
// is committed after it, so the log cannot start over.
class ReaderSnapshot {
 public:
  explicit ReaderSnapshot(DatabaseSessionManager& manager) : lease_(manager.acquire()) {
    lease_.session().begin();
    long long n = 0;
    lease_.session() << "SELECT COUNT(*) FROM events", soci::into(n);
  }
  ~ReaderSnapshot() { lease_.session().rollback(); }
  ReaderSnapshot(const ReaderSnapshot&) = delete;
  ReaderSnapshot& operator=(const ReaderSnapshot&) = delete;

 private:
  DatabaseSessionManager::Lease lease_;
};

// A migrated SQLite database and its event log, whose checkpointer the tests watch.
struct CheckpointedLog {
  TestDatabase db{"sqlite3"};
  std::unique_ptr<DatabaseSessionManager> manager = db.open_migrated();
  EventLog log{*manager};
};

}  // namespace

TEST_CASE("SQLite's write-ahead log is copied by the checkpointer's thread, not the writer",
          "[database][event_log]") {
  CheckpointedLog c;
  auto& log = c.log;
  auto& manager = c.manager;
  const auto* checkpointer = log.checkpointer();
  REQUIRE(checkpointer != nullptr);
  // About 3,000 pages: past the start threshold, far from the writer's own.
  write_pages(log, "run-a", 6000);
  CHECK(agenthost::testing::wait_until([&] { return checkpointer->checkpoints() >= 1; },
                                       std::chrono::seconds(20)));
  CHECK(checkpointer->writer_checkpoints() == 0);
  CHECK(stored_events(*manager) == 6000);
}

TEST_CASE("the writer checkpoints itself when a reader keeps the log from being copied",
          "[database][event_log]") {
  CheckpointedLog c;
  auto& log = c.log;
  auto& manager = c.manager;
  const auto* checkpointer = log.checkpointer();
  REQUIRE(checkpointer != nullptr);
  {
    // The log grows past the writer's threshold.
    ReaderSnapshot reader(*manager);
    write_pages(log, "run-b", 20000);  // about 10,000 pages
    CHECK(checkpointer->writer_checkpoints() >= 1);
  }
  CHECK(stored_events(*manager) == 20000);
}

TEST_CASE("the checkpointer copies the log again only once it has grown, not after every commit",
          "[database][event_log]") {
  CheckpointedLog c;
  auto& log = c.log;
  auto& manager = c.manager;
  const auto* checkpointer = log.checkpointer();
  REQUIRE(checkpointer != nullptr);
  {
    // The log never starts over: the case of a writer that never pauses.
    ReaderSnapshot reader(*manager);
    // 1,500 commits of a few pages each (the event, its table's and index's pages):
    // past the start threshold (1,000 pages), below the writer's own (8,000).
    const std::string filler(1000, 'x');
    for (int i = 1; i <= 1500; ++i) {
      log.append(
          make_event("run-c", static_cast<std::uint64_t>(i), json::object{{"fill", filler}}));
      log.flush();
    }
  }
  // One checkpoint per 250 pages added past the threshold: a few dozen at most,
  // where asking after every commit made it about one per commit.
  INFO(checkpointer->checkpoints() << " checkpoints");
  CHECK(checkpointer->checkpoints() >= 1);
  CHECK(checkpointer->checkpoints() < 50);
  CHECK(checkpointer->writer_checkpoints() == 0);
  CHECK(stored_events(*manager) == 1500);
}
