// Crash recovery on a real database: runs a killed process left queued or running
// end with a stored agent_death (cause interrupted) after their last event.
#include <catch2/catch.hpp>

#include "daemon/run_recovery.hpp"
#include "database/event_log.hpp"
#include "database/run_store.hpp"
#include "database_test_support.hpp"
#include "events/host_events.hpp"

using namespace agenthost;
using namespace agenthost::database;
using namespace agenthost::database::test;

namespace {

RunRecord make_run(const std::string& run_id, const std::string& user) {
  RunRecord run;
  run.run_id = run_id;
  run.thread_id = "thread-" + user;
  run.user_id = user;
  run.agent_name = "chatty";
  run.input = boost::json::object{};
  run.created_at = std::chrono::system_clock::now();
  return run;
}

events::EventPtr event_of(const RunRecord& run, std::uint64_t seq, const char* type,
                          boost::json::object payload = {}) {
  auto e = std::make_shared<events::Event>();
  e->payload = std::move(payload);
  e->type = type;
  e->user_id = run.user_id;
  e->run_id = run.run_id;
  e->thread_id = run.thread_id;
  e->agent_name = run.agent_name;
  e->seq = seq;
  e->timestamp = std::chrono::system_clock::now();
  return e;
}

// A migrated database of `backend`, as a previous process left it.
struct Store {
  explicit Store(const std::string& backend)
      : db(backend), manager(db.open_migrated()), runs(*manager), log(*manager) {}
  TestDatabase db;
  std::unique_ptr<DatabaseSessionManager> manager;
  RunStore runs;
  EventLog log;
};

}  // namespace

TEST_CASE("recovery appends agent_death after the last stored event, then marks interrupted",
          "[daemon][recovery]") {
  Store store(GENERATE(from_range(backends_under_test())));
  auto& runs = store.runs;
  auto& log = store.log;
  runs.create_thread("thread-alice", "alice");
  runs.create_thread("thread-bob", "bob");

  // As a killed host leaves them: one running with two events, one queued with none,
  // one completed that must stay untouched.
  const auto running = make_run("run-running-1", "alice");
  const auto queued = make_run("run-queued-1", "bob");
  const auto done = make_run("run-done-1", "alice");
  for (const auto& r : {running, queued, done}) runs.insert_run(r);
  REQUIRE(runs.mark_running(running.run_id, std::chrono::system_clock::now()));
  log.append(event_of(running, 1, "agent_started"));
  log.append(event_of(running, 2, "agent_thinking"));
  REQUIRE(runs.mark_running(done.run_id, std::chrono::system_clock::now()));
  log.append(event_of(done, 1, "agent_completed"));
  REQUIRE(runs.mark_finished(done.run_id, run_status::completed, boost::json::value{}, std::nullopt,
                             std::chrono::system_clock::now()));
  log.flush();

  CHECK(daemon::recover_interrupted_runs(runs, log) == 2);

  const auto alice_events = runs.events_after(running.run_id, "alice", 0);
  REQUIRE(alice_events.size() == 3);
  CHECK(alice_events[2].type == "agent_death");
  CHECK(alice_events[2].seq == 3);
  CHECK(alice_events[2].payload.at("death_cause") == "interrupted");
  const auto bob_events = runs.events_after(queued.run_id, "bob", 0);
  REQUIRE(bob_events.size() == 1);
  CHECK(bob_events[0].seq == 1);
  CHECK(bob_events[0].type == "agent_death");

  // The stored status and error say what the event says.
  for (const auto& [run, events] :
       {std::pair{running, alice_events}, std::pair{queued, bob_events}}) {
    const auto record = runs.find_run(run.run_id, run.user_id);
    REQUIRE(record);
    CHECK(record->status == run_status::interrupted);
    REQUIRE(record->error);
    CHECK(record->error->at("error_type") == "interrupted");
    CHECK(record->error->at("message") == events.back().payload.at("message"));
    CHECK(record->finished_at.has_value());
  }
  CHECK(runs.find_run(done.run_id, "alice")->status == run_status::completed);
  CHECK(runs.events_after(done.run_id, "alice", 0).size() == 1);
  // A second start finds nothing left to recover.
  CHECK(daemon::recover_interrupted_runs(runs, log) == 0);
}

TEST_CASE(
    "a run whose terminal event is stored but not its status gets that status, and no "
    "second ending",
    "[daemon][recovery]") {
  Store store(GENERATE(from_range(backends_under_test())));
  auto& runs = store.runs;
  auto& log = store.log;
  runs.create_thread("thread-alice", "alice");

  // As a kill between the commit of a run's terminal event and its status's leaves
  // them: still running in the store, ended in its events.
  const auto completed = make_run("run-completed-1", "alice");
  const auto cancelled = make_run("run-cancelled-1", "alice");
  const auto failed = make_run("run-failed-1", "alice");
  const auto garbled = make_run("run-garbled-1", "alice");
  for (const auto& r : {completed, cancelled, failed, garbled}) {
    runs.insert_run(r);
    REQUIRE(runs.mark_running(r.run_id, std::chrono::system_clock::now()));
    log.append(event_of(r, 1, "agent_started"));
  }
  auto ending = [&](const RunRecord& run, const char* type, boost::json::object payload) {
    log.append(event_of(run, 2, type, std::move(payload)));
  };
  ending(completed, "agent_completed", events::completed_payload(boost::json::value(42)));
  ending(cancelled, "agent_death",
         events::death_payload(events::DeathCause::cancelled, "the run was cancelled on request"));
  ending(failed, "agent_error", events::error_payload("agent_error", "boom", false));
  ending(garbled, "agent_death", boost::json::object{{"death_cause", "no such cause"}});
  log.flush();

  // A policy that would resume every run: none of these is resumed.
  std::vector<RunStore::UnfinishedRun> resumed;
  CHECK(daemon::recover_interrupted_runs(
            runs, log, nullptr,
            [](const auto&) {
              return daemon::RecoveryDecision{true, ""};
            },
            &resumed) == 0);
  CHECK(resumed.empty());

  const auto record_of = [&](const RunRecord& run) {
    auto record = runs.find_run(run.run_id, "alice");
    REQUIRE(record);
    CHECK(record->finished_at.has_value());
    // Still the two events: the stored ending is the only one.
    const auto stored = runs.events_after(run.run_id, "alice", 0);
    CHECK(stored.size() == 2);
    return *record;
  };
  const auto c = record_of(completed);
  CHECK(c.status == run_status::completed);
  REQUIRE(c.result);
  CHECK(*c.result == boost::json::value(42));
  const auto x = record_of(cancelled);
  CHECK(x.status == run_status::cancelled);
  REQUIRE(x.error);
  CHECK(x.error->at("error_type") == "cancelled");
  CHECK(x.error->at("message") == "the run was cancelled on request");
  const auto f = record_of(failed);
  CHECK(f.status == run_status::failed);
  REQUIRE(f.error);
  CHECK(f.error->at("error_type") == "agent_error");
  CHECK(f.error->at("message") == "boom");
  // An ending the host cannot read still ends the run once.
  CHECK(record_of(garbled).status == run_status::interrupted);
  CHECK(daemon::recover_interrupted_runs(runs, log) == 0);
}
