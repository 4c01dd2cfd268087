// The harness runs an agent as the host does: the same agent, input and context
// through the host's own RunScope (on a real SQLite file, through the host's
// session pool) and through AgentHarness give the same events, seq for seq, and the
// same final status. Both run the one RunSequence (host/execution/run_sequence.hpp),
// so if this fails, the harness's parts (its emitter, database session or tool
// dispatcher in plugin_api/testing) have drifted from the host's: fix the harness.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "database/database_session_manager.hpp"
#include "events/event_router.hpp"
#include "events/event_store.hpp"
#include "execution/run_control.hpp"
#include "execution/run_scope.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_waiter.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "registry/agent_class_registry.hpp"
#include "support/memory_event_store.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using agenthost::testing::AgentHarness;
using agenthost::testing::TempDir;
using agenthost::testing::TestContextBuilder;

const std::string kTestAgents = std::string(AGENTHOST_TEST_PLUGIN_DIR) + "/testagents.so";

TestContextBuilder parity_context(const std::string& agent) {
  TestContextBuilder context;
  context.user_id("user-parity")
      .thread_id("thread-parity")
      .run_id("run-parity")
      .request_id("request-parity")
      .agent_name(agent)
      .metadata("source", "parity");
  return context;
}

// "seq type payload" lines: what a client would see of the run.
std::vector<std::string> lines_of(const std::vector<agenthost::testing::RecordedEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(std::to_string(e.seq) + " " + e.type + " " + boost::json::serialize(e.payload));
  return out;
}

struct HostRun {
  std::string status;
  std::vector<std::string> events;
};

HostRun run_in_host(const std::string& agent, const boost::json::value& input) {
  agenthost::registry::AgentClassRegistry registry;
  agenthost::plugin_loader::LoaderOptions options;
  options.sources.push_back({kTestAgents, "parity test"});
  agenthost::plugin_loader::load_plugins(options, registry);
  registry.freeze();
  TempDir dir;
  agenthost::database::DatabaseOptions db_options;
  db_options.url = "sqlite:" + (dir.path() / "host.db").string();
  db_options.pool_size = 1;
  agenthost::database::DatabaseSessionManager database(db_options);
  agenthost::testing::MemoryEventStore store;
  agenthost::events::EventRouter router;
  agenthost::execution::RunControl control;
  // The scope runs on this thread, not on a fiber: its waits block it, as the harness's do.
  agenthost::fiber::BlockingPool blocking(1);
  agenthost::fiber::FiberWaiter waiter("user-parity", blocking);

  agenthost::execution::RunScope scope(parity_context(agent).build(control.token()),
                                       *registry.find_agent(agent), registry, database, store,
                                       router, waiter);
  const auto outcome = scope.execute(input, control);
  std::vector<agenthost::testing::RecordedEvent> events;
  for (const auto& e : store.log.events()) events.push_back({e->type, e->seq, e->payload});
  return {outcome.status, lines_of(events)};
}

HostRun run_in_harness(const std::string& agent, const boost::json::value& input) {
  AgentHarness harness;
  harness.load_plugin(kTestAgents);
  harness.context() = parity_context(agent);
  const auto result = harness.run(agent, input);
  return {result.status, lines_of(result.events)};
}

}  // namespace

TEST_CASE("the harness and the host's RunScope run agents alike") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"chatty", R"({"count": 3})"},
      {"sleepy", R"({"ms": 0})"},
      {"failing", R"({"message": "cannot open /var/lib/agenthost/x.db: api_key=abc"})"},
      {"throwing_ctor", "null"},
      {"toolcaller", R"({"password": "hunter2", "n": 1})"},
      {"dbwriter", R"({"value": "kept"})"},
      {"dbwriter", R"({"value": "lost", "fail": true})"},
  };
  for (const auto& [agent, input_text] : cases) {
    const auto input = boost::json::parse(input_text);
    const auto host = run_in_host(agent, input);
    const auto harness = run_in_harness(agent, input);
    INFO("agent " << agent << ", input " << input_text);
    CHECK(harness.status == host.status);
    CHECK(harness.events == host.events);
  }
}
