// RunScope: creation order, wrapping of plugin code, transaction endings, the single
// terminal event, and release in reverse order.
#include <catch2/catch.hpp>

#include <thread>

#include "context/context_factory.hpp"
#include "execution/agent_instance_factory.hpp"
#include "execution/run_scope.hpp"
#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;

namespace {

struct ScopeRun {
  TestHost& host;
  RunControl control;
  // The scope runs on the test's thread, not on a fiber: its waits block the thread.
  fiber::BlockingPool blocking{1};
  std::shared_ptr<fiber::FiberWaiter> waiter =
      std::make_shared<fiber::FiberWaiter>("user", blocking);
  ExecutionContext context;
  std::unique_ptr<RunScope> scope;

  ScopeRun(TestHost& h, const std::string& agent, const std::string& user = "user-alice")
      : host(h),
        context(context::make_run_context({user,
                                           "thread-scope",
                                           agent,
                                           {{"origin", "scope test"}},
                                           {},
                                           control.token(),
                                           waiter})) {
    AgentInstanceFactory factory(host.registry, host.agents(), *host.log, host.router);
    sub = host.router.subscribe(context.user_id(), context.run_id(), host.sink());
    scope = factory.open_scope(context, *host.registry.find_agent(agent), *waiter);
  }
  // The run's events as delivered: the event log delivers each once it is stored.
  std::vector<std::string> types() const {
    host.log->flush();
    return host.journal.types_of(context.run_id());
  }

  events::EventRouter::Subscription sub;
};

}  // namespace

TEST_CASE("a successful run: agent_started, agent events, agent_completed - writes committed") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  const auto leased_before = host.agents().stats().in_use;
  ScopeRun run(host, "dbwriter");
  CHECK(host.agents().stats().in_use == leased_before);  // nothing leased before first use

  auto outcome = run.scope->execute(boost::json::object{{"value", "kept"}}, run.control);
  CHECK(outcome.status == rs::completed);
  CHECK(outcome.agent_created);
  REQUIRE(outcome.result.has_value());
  CHECK(outcome.result->at("inserted") == "kept");
  CHECK(run.types() == std::vector<std::string>{"agent_started", "agent_completed"});
  CHECK(outcome.event_count == 2);
  const auto started = host.journal.of_run(run.context.run_id()).front();
  CHECK(started->payload.at("metadata").at("origin") == "scope test");
  CHECK(host.notes_of(run.context.run_id()) == 1);

  run.scope.reset();
  CHECK(host.agents().stats().in_use == leased_before);  // session back in the pool
}

TEST_CASE("an agent that throws from run(): agent_error, writes rolled back") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  ScopeRun run(host, "dbwriter");
  auto outcome =
      run.scope->execute(boost::json::object{{"value", "lost"}, {"fail", true}}, run.control);
  CHECK(outcome.status == rs::failed);
  CHECK(outcome.agent_created);
  CHECK(outcome.error->at("error_type") == "agent_error");
  CHECK_THAT(std::string(outcome.error->at("message").as_string()),
             Catch::Contains("dbwriter fails after its insert"));
  CHECK(run.types() == std::vector<std::string>{"agent_started", "agent_error"});
  const auto error = host.journal.of_run(run.context.run_id()).back();
  CHECK(error->payload.at("error_type") == "agent_error");
  CHECK(error->payload.at("recoverable") == false);
  CHECK(host.notes_of(run.context.run_id()) == 0);
}

TEST_CASE("an agent whose constructor throws: a lone agent_error, no agent_started") {
  TestHost host("sqlite3");
  ScopeRun run(host, "throwing_ctor");
  auto outcome = run.scope->execute(nullptr, run.control);
  CHECK(outcome.status == rs::failed);
  CHECK_FALSE(outcome.agent_created);
  CHECK(outcome.event_count == 1);
  CHECK(run.types() == std::vector<std::string>{"agent_error"});
  CHECK_THAT(std::string(outcome.error->at("message").as_string()),
             Catch::Contains("constructor") && Catch::Contains("on purpose"));
  CHECK_FALSE(run.scope->has_agent());
  CHECK_FALSE(run.scope->database().is_open());
}

TEST_CASE("a run stopped before it starts gets no agent and only agent_death") {
  TestHost host("sqlite3");
  ScopeRun run(host, "probe.order");
  probe_leftovers().reset();
  run.control.request_stop(events::DeathCause::cancelled);
  auto outcome = run.scope->execute(nullptr, run.control);
  CHECK(outcome.status == rs::cancelled);
  CHECK_FALSE(outcome.agent_created);
  CHECK(run.types() == std::vector<std::string>{"agent_death"});
  const auto death = host.journal.of_run(run.context.run_id()).front();
  CHECK(death->seq == 1);
  CHECK(death->payload.at("death_cause") == "cancelled");
  CHECK_FALSE(probe_leftovers().destroyed);  // never constructed
}

TEST_CASE("a stop during run(): agent_death with its cause, writes rolled back") {
  auto cause = GENERATE(events::DeathCause::cancelled, events::DeathCause::timeout,
                        events::DeathCause::interrupted, events::DeathCause::shutdown);
  TestHost host("sqlite3");
  ScopeRun run(host, "probe.write_then_wait");
  bool saw_wait = false;
  std::thread stopper([&] {
    // Stop once the agent has written and is waiting (or at the deadline).
    saw_wait = host.journal.wait_for_event(run.context.run_id(), "agent_thinking");
    run.control.request_stop(cause);
  });
  auto outcome = run.scope->execute(boost::json::object{{"value", "v"}}, run.control);
  stopper.join();
  CHECK(saw_wait);
  CHECK(outcome.status == status_for(cause));
  CHECK(run.types() == std::vector<std::string>{"agent_started", "agent_thinking", "agent_death"});
  const auto death = host.journal.of_run(run.context.run_id()).back();
  CHECK(death->payload.at("death_cause") == events::to_string(cause).data());
  CHECK(host.notes_of(run.context.run_id()) == 0);
}

TEST_CASE("release order: the agent goes first, while its services still work - then they end") {
  const bool throws = GENERATE(false, true);
  CAPTURE(throws);
  TestHost host("sqlite3");
  probe_leftovers().reset();
  ScopeRun run(host, "probe.order");
  auto outcome = run.scope->execute(
      throws ? boost::json::value(boost::json::object{{"throw", true}}) : nullptr, run.control);
  CHECK(outcome.status == (throws ? rs::failed : rs::completed));

  auto& p = probe_leftovers();
  CHECK(p.destroyed);
  // In the agent's destructor the emitter, the session and the tools were still alive.
  CHECK(p.emitter_open_in_destructor);
  CHECK(p.db_open_in_destructor);
  CHECK(p.tools_open_in_destructor);
  CHECK(run.types() == std::vector<std::string>{"agent_started", "probe.destructor",
                                                "tool_executing", "tool_completed",
                                                throws ? "agent_error" : "agent_completed"});
  // After the run: the terminal event was the last one, and every service refuses.
  CHECK(run.scope->emitter().closed());
  CHECK_FALSE(run.scope->database().is_open());
  CHECK_THROWS_AS(p.emitter->emit("agent_thinking", {}), RunEnded);
  CHECK_THROWS_AS(p.db->sql(), RunEnded);
  CHECK_THROWS_AS(p.tools->call("testagents.record", boost::json::object{}), RunEnded);
  const auto last_seq = run.scope->emitter().last_seq();
  run.scope.reset();
  CHECK(host.journal.of_run(run.context.run_id()).back()->seq == last_seq);
}

TEST_CASE("a scope destroyed without execute() releases everything, rolling back") {
  TestHost host("sqlite3");
  const auto leased_before = host.agents().stats().in_use;
  {
    ScopeRun run(host, "dbwriter");
    run.scope->database().sql() << "INSERT INTO agent_notes (run_id, value) VALUES ('orphan', 'x')";
  }
  CHECK(host.agents().stats().in_use == leased_before);
  CHECK(host.notes_of("orphan") == 0);
}

TEST_CASE("AgentInstanceFactory refuses a registry that is not frozen") {
  TestHost host("sqlite3");
  registry::AgentClassRegistry open_registry;
  CHECK_THROWS_WITH(AgentInstanceFactory(open_registry, host.agents(), *host.log, host.router),
                    Catch::Contains("not frozen"));
}
