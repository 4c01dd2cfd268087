#pragma once
// The real parts the execution tests run against: the testagents plugin loaded from
// its .so by the real loader (plus a few in-test agents that make release order and
// transaction endings observable), a real database per test (SQLite file; also
// PostgreSQL when AGENTHOST_TEST_PG_URL is set), the real RunStore, EventLog and
// EventRouter. Waiting is on conditions with generous deadlines, never on sleeps.

#include <boost/json/value.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/event_log.hpp"
#include "database/run_store.hpp"
#include "database_test_support.hpp"
#include "events/event.hpp"
#include "events/event_router.hpp"
#include "events/event_sink.hpp"
#include "execution/execution_engine.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::execution::test {

using namespace std::chrono_literals;

/// Generous: only reached when something is broken.
inline constexpr std::chrono::seconds kDeadline{20};

/// Every event a set of sinks received, in arrival order across runs, with a wait.
class EventJournal {
 public:
  void add(const events::EventPtr& event);
  std::vector<events::EventPtr> all() const;
  std::vector<events::EventPtr> of_run(const std::string& run_id) const;
  /// Types of `run_id`'s events in arrival order.
  std::vector<std::string> types_of(const std::string& run_id) const;
  /// Index in arrival order of the first event of `run_id` with `type`, or -1.
  long position(const std::string& run_id, const std::string& type) const;
  /// Waits until `done()` (checked under the journal's lock on every event, and every
  /// 10 ms for conditions that do not come from events). False after `deadline`.
  bool wait_until(const std::function<bool()>& done,
                  std::chrono::milliseconds deadline = kDeadline);
  /// wait_until a `type` event of `run_id` arrived.
  bool wait_for_event(const std::string& run_id, const std::string& type,
                      std::chrono::milliseconds deadline = kDeadline);

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<events::EventPtr> events_;
};

/// An EventSink writing to a journal (several sinks may share one journal).
class JournalSink final : public events::EventSink {
 public:
  explicit JournalSink(EventJournal& journal) : journal_(journal) {}
  void deliver(const events::EventPtr& event) noexcept override { journal_.add(event); }

 private:
  EventJournal& journal_;
};

/// The host's parts for one test, on one backend.
class TestHost {
 public:
  explicit TestHost(const std::string& backend);
  ~TestHost();

  /// An engine whose agents get their sessions from agents().
  std::unique_ptr<ExecutionEngine> make_engine(EngineOptions options);
  /// The same with the agents' sessions from `agent_pool` (the host keeps `manager`).
  std::unique_ptr<ExecutionEngine> make_engine(EngineOptions options,
                                               database::DatabaseSessionManager& agent_pool);
  /// The sink writing to `journal`, for submit() and router subscriptions (the
  /// router holds sinks weakly: this one lives as long as the host).
  std::shared_ptr<events::EventSink> sink() { return journal_sink; }

  /// The agents' pool, as the daemon has it: on SQLite a database file of its own
  /// (an agent's open write transaction must not hold up the host's event storage),
  /// on PostgreSQL the host's database.
  database::DatabaseSessionManager& agents() { return agent_manager ? *agent_manager : *manager; }
  /// Another pool on the agents' database, with `change` applied to its options.
  std::unique_ptr<database::DatabaseSessionManager> open_agent_pool(
      const std::function<void(database::DatabaseOptions&)>& change);
  /// Sessions held now, of the host's pool and (when separate) the agents'.
  std::size_t sessions_in_use();

  /// Rows agents wrote into agent_notes for `run_id` (committed ones only).
  long long notes_of(const std::string& run_id);
  /// The run's stored events, read back from the database.
  std::vector<events::Event> stored_events(const std::string& run_id, const std::string& user_id);

  registry::AgentClassRegistry registry;  // first: outlives every agent and scope
  database::test::TestDatabase db;
  std::unique_ptr<database::DatabaseSessionManager> manager;
  std::unique_ptr<database::DatabaseSessionManager> agent_manager;  // SQLite only
  std::unique_ptr<database::RunStore> runs;
  // Before the router and the log: the log's writer delivers to this sink until the
  // log is destroyed, so the journal must outlive it (TSan saw a late delivery write
  // to a journal already destroyed).
  EventJournal journal;
  std::shared_ptr<JournalSink> journal_sink = std::make_shared<JournalSink>(journal);
  events::EventRouter router;  // before the log, which delivers through it
  std::unique_ptr<database::EventLog> log;
};

/// The run's final outcome, or FAIL after kDeadline.
RunOutcome wait_final(const RunTicket& ticket);

/// Waits for a ticket with a deadline; true when final.
bool is_final_within(const RunTicket& ticket, std::chrono::milliseconds deadline);

/// A RunRequest for `user` running `agent` with `input`.
RunRequest request(std::string user, std::string agent, boost::json::value input = {},
                   std::optional<std::string> thread = std::nullopt,
                   MultitaskStrategy strategy = MultitaskStrategy::enqueue);

/// Small engine options for tests: few workers, short timeout.
EngineOptions test_options();

/// In-test agents registered next to the plugin's (code linked into the test):
///  - probe.order: records, in its destructor, whether the emitter, the database
///    session and the tool dispatcher were still usable (release order), and keeps
///    references to them in probe_leftovers() for use after the run; throws from
///    run() when its input has a member "throw";
///  - probe.write_then_wait {value}: inserts into agent_notes, then waits until the
///    run is stopped (cancel, timeout, interrupt) and returns normally;
///  - probe.read_then_wait: reads in the run-level transaction (its session stays
///    leased), then waits until stopped;
///  - probe.scoped_then_wait {value, ms}: inserts in a scoped transaction, waits ms
///    (returning {"slept": false} when stopped), inserts value-after in another;
///  - probe.ask {prompt?, schema?, work_ms?, checkpoint?, twice?}: asks its user
///    (context().ask), then works work_ms; returns {"answer", "worked"};
///  - probe.scoped_throw: a scoped transaction whose block inserts then throws; the
///    agent returns {"caught": message}.
struct ProbeLeftovers {
  std::mutex mutex;
  bool destroyed = false;
  bool emitter_open_in_destructor = false;
  bool db_open_in_destructor = false;
  bool tools_open_in_destructor = false;
  agenthost::EventEmitter* emitter = nullptr;
  agenthost::DatabaseSession* db = nullptr;
  agenthost::ToolDispatcher* tools = nullptr;

  void reset() {
    std::lock_guard lock(mutex);
    destroyed = emitter_open_in_destructor = db_open_in_destructor = false;
    tools_open_in_destructor = false;
    emitter = nullptr;
    db = nullptr;
    tools = nullptr;
  }
};
ProbeLeftovers& probe_leftovers();
void register_probe_agents(registry::AgentClassRegistry& registry);

}  // namespace agenthost::execution::test
