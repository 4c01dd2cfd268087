// Creating and destroying one run's scope (context with fresh ids, emitter, session
// lease, tool dispatcher, agent instance), next to its baselines: a bare
// std::make_unique of the same agent, and the plugin's own factory. Everything here
// uses a real SQLite session. The run's transaction begins at the agent's first
// db().sql(), which echo never calls: what a run that uses the database adds (BEGIN
// and ROLLBACK) is measured on its own in BM_Sqlite_BeginRollback and
// BM_RunDatabaseSession_FirstUseRollback.

#include <benchmark/benchmark.h>
#include <soci/session.h>

#include <memory>

#include "agenthost/agent.hpp"
#include "bench_support.hpp"
#include "context/context_factory.hpp"
#include "database/run_database_session.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/agent_instance_factory.hpp"
#include "execution/tool_dispatcher_impl.hpp"

namespace agenthost::bench {
namespace {

// The echo plugin's agent, word for word (the plugin keeps its class in an
// anonymous namespace, so the baseline needs its own copy of the same code).
class EchoAgentCopy final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    events().thinking("echoing input");
    return input;
  }
};

// One run's services built once, for benchmarks that time only the agent.
struct FixedServices {
  explicit FixedServices(BenchHost& host)
      : context(fixed_context("user-0042", "run-0001")),
        emitter(context, host.store, host.router),
        db(*host.database, context, host.waiter),
        tools(host.registry, context, emitter),
        model_transport(nullptr, host.waiter),
        models(model_transport, context, host.registry, tools,
               [this](std::string_view type, boost::json::object payload) {
                 emitter.emit_host(type, std::move(payload));
               }) {}

  agenthost::AgentServices services() { return {context, emitter, db, tools, models}; }

  const agenthost::ExecutionContext context;
  events::UserEventEmitter emitter;
  database::RunDatabaseSession db;
  execution::ToolDispatcherImpl tools;
  models::HostChatTransport model_transport;
  models::RunModelGateway models;
};

// Baseline: the agent object alone, constructed and destroyed in the benchmark.
void BM_Agent_MakeUnique(benchmark::State& state) {
  FixedServices fixed(bench_host());
  const auto services = fixed.services();
  for (auto _ : state) {
    auto agent = std::make_unique<EchoAgentCopy>(services);
    benchmark::DoNotOptimize(agent.get());
  }
}
BENCHMARK(BM_Agent_MakeUnique);

// The same through the echo plugin's registered factory (std::function into the
// .so, make_unique there, virtual destructor back in the .so).
void BM_Agent_PluginFactory(benchmark::State& state) {
  auto& host = bench_host();
  const auto& echo = host.echo();
  FixedServices fixed(host);
  const auto services = fixed.services();
  for (auto _ : state) {
    auto agent = echo.factory(services);
    benchmark::DoNotOptimize(agent.get());
  }
}
BENCHMARK(BM_Agent_PluginFactory);

// The whole scope, as the engine's worker builds it for a run of echo, minus
// execute(): make_run_context (two random ids, validation), open_scope (library
// reference, emitter, database session (nothing leased), tool dispatcher), the agent
// through the plugin's factory; then the agent destroyed, and ~RunScope (dispatcher
// ended, emitter closed).
void BM_RunScope_CreateDestroy_SQLite(benchmark::State& state) {
  auto& host = bench_host();
  const auto& echo = host.echo();
  const execution::AgentInstanceFactory factory(host.registry, *host.database, host.store,
                                                host.router);
  const auto request = host.run_request();
  for (auto _ : state) {
    auto scope = factory.open_scope(context::make_run_context(request), echo, host.waiter);
    const agenthost::AgentServices services{scope->context(), scope->emitter(), scope->database(),
                                            scope->tools(), scope->models()};
    auto agent = echo.factory(services);
    benchmark::DoNotOptimize(agent.get());
    agent.reset();
    scope.reset();
  }
}
BENCHMARK(BM_RunScope_CreateDestroy_SQLite);

// The database round trips inside the scope above: BEGIN and ROLLBACK of an empty
// transaction on a leased SQLite session (WAL, synchronous=NORMAL), lease held.
void BM_Sqlite_BeginRollback(benchmark::State& state) {
  auto lease = bench_host().database->acquire();
  auto& session = lease.session();
  for (auto _ : state) {
    session.begin();
    session.rollback();
  }
}
BENCHMARK(BM_Sqlite_BeginRollback);

// The run's database session of a run that never uses it: nothing leased, no
// statement (RunDatabaseSession as the scope uses it).
void BM_RunDatabaseSession_Unused(benchmark::State& state) {
  auto& host = bench_host();
  const auto context = fixed_context("user-0042", "run-0001");
  for (auto _ : state) {
    database::RunDatabaseSession db(*host.database, context, host.waiter);
    db.rollback();
  }
}
BENCHMARK(BM_RunDatabaseSession_Unused);

// The same for a run that uses it: the first sql() leases a session and sends BEGIN,
// the end ROLLBACK and gives it back.
void BM_RunDatabaseSession_FirstUseRollback(benchmark::State& state) {
  auto& host = bench_host();
  const auto context = fixed_context("user-0042", "run-0001");
  for (auto _ : state) {
    database::RunDatabaseSession db(*host.database, context, host.waiter);
    benchmark::DoNotOptimize(&db.sql());
    db.rollback();
  }
}
BENCHMARK(BM_RunDatabaseSession_FirstUseRollback);

}  // namespace
}  // namespace agenthost::bench
