// The run scope taken apart, to show which part costs (RunScope itself sends no
// BEGIN for an agent that never calls db().sql(), like echo here):
//  - BM_RunScopeParts_NoTransaction: the same parts in the same order as RunScope
//    builds and releases them, with a bare pool lease in place of the run's
//    database session;
//  - BM_Part_*: each part on its own, to be summed.

#include <benchmark/benchmark.h>

#include <memory>
#include <optional>

#include "agenthost/agent.hpp"
#include "bench_support.hpp"
#include "context/context_factory.hpp"
#include "database/run_database_session.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/tool_dispatcher_impl.hpp"
#include "models/host_chat_transport.hpp"
#include "models/run_model_gateway.hpp"

namespace agenthost::bench {
namespace {

// The agent's DatabaseSession when no transaction is open: only handed over, never
// used by echo's constructor or destructor.
class LeaseOnlySession final : public agenthost::DatabaseSession {
 public:
  explicit LeaseOnlySession(database::DatabaseSessionManager::Lease lease)
      : lease_(std::move(lease)) {}
  soci::session& sql() override { return lease_.session(); }
  void transaction(const std::function<void(soci::session&)>& work) override {
    work(lease_.session());
  }
  const std::string& backend() const override { return lease_.backend(); }

 private:
  database::DatabaseSessionManager::Lease lease_;
};

// Context (ids, validation), plugin library reference, emitter, lease (no BEGIN),
// tool dispatcher, agent through the plugin factory; released in reverse order with
// the same calls as ~RunScope (agent deleted, tools ended, lease returned, emitter
// closed).
void BM_RunScopeParts_NoTransaction(benchmark::State& state) {
  auto& host = bench_host();
  const auto& echo = host.echo();
  const auto request = host.run_request();
  for (auto _ : state) {
    const auto context = context::make_run_context(request);
    const auto library = echo.library;
    events::UserEventEmitter emitter(context, host.store, host.router);
    LeaseOnlySession db(host.database->acquire());
    execution::ToolDispatcherImpl tools(host.registry, context, emitter);
    models::HostChatTransport model_transport(nullptr, host.waiter);
    models::RunModelGateway models(model_transport, context, host.registry, tools,
                                   [&emitter](std::string_view type, boost::json::object payload) {
                                     emitter.emit_host(type, std::move(payload));
                                   });
    auto agent = echo.factory({context, emitter, db, tools, models});
    benchmark::DoNotOptimize(agent.get());
    agent.reset();
    tools.end();
    emitter.close();
  }
}
BENCHMARK(BM_RunScopeParts_NoTransaction);

// make_run_context: two random ids (run, request), the fields copied in, the SDK's
// validation, one shared allocation.
void BM_Part_Context(benchmark::State& state) {
  const auto request = bench_host().run_request();
  for (auto _ : state) benchmark::DoNotOptimize(context::make_run_context(request));
}
BENCHMARK(BM_Part_Context);

// UserEventEmitter: four id strings copied out of the context, limits checked;
// close() and destruction.
void BM_Part_Emitter(benchmark::State& state) {
  auto& host = bench_host();
  const auto context = context::make_run_context(host.run_request());
  for (auto _ : state) {
    events::UserEventEmitter emitter(context, host.store, host.router);
    emitter.close();
    benchmark::DoNotOptimize(&emitter);
  }
}
BENCHMARK(BM_Part_Emitter);

// A session leased from the pool and given back, no statement.
void BM_Part_LeaseAcquireRelease(benchmark::State& state) {
  auto& database = *bench_host().database;
  for (auto _ : state) {
    auto lease = database.acquire();
    benchmark::DoNotOptimize(&lease);
  }
}
BENCHMARK(BM_Part_LeaseAcquireRelease);

// ToolDispatcherImpl constructed, ended and destroyed (no call).
void BM_Part_ToolDispatcher(benchmark::State& state) {
  auto& host = bench_host();
  const auto context = context::make_run_context(host.run_request());
  events::UserEventEmitter emitter(context, host.store, host.router);
  for (auto _ : state) {
    execution::ToolDispatcherImpl tools(host.registry, context, emitter);
    tools.end();
    benchmark::DoNotOptimize(&tools);
  }
}
BENCHMARK(BM_Part_ToolDispatcher);

// The plugin library reference the scope holds (an atomic increment and decrement).
void BM_Part_LibraryReference(benchmark::State& state) {
  const auto& echo = bench_host().echo();
  for (auto _ : state) {
    auto library = echo.library;
    benchmark::DoNotOptimize(library.get());
  }
}
BENCHMARK(BM_Part_LibraryReference);

}  // namespace
}  // namespace agenthost::bench
