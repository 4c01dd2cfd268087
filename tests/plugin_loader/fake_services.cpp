#include "fake_services.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <catch2/catch.hpp>

namespace agenthost::testing {

void RecordingEmitter::emit(std::string_view type, boost::json::object payload) {
  events.push_back({std::string(type), std::move(payload)});
}

boost::json::value RegistryToolDispatcher::call(std::string_view name,
                                                const boost::json::value& input) {
  const auto* tool = registry_.find_tool(name);
  if (!tool) throw ToolError("unknown tool " + std::string(name));
  try {
    return tool->handler(context_, input);
  } catch (const std::exception& e) {
    throw ToolError(std::string(name) + " failed: " + e.what());
  }
}

SqliteSession::SqliteSession() : sql_(soci::sqlite3, ":memory:") {}

ExecutionContext test_context(const std::string& agent_name, std::stop_token stop) {
  ContextFields fields;
  fields.user_id = "user-0001";
  fields.thread_id = "thread-0001";
  fields.run_id = "run-0001";
  fields.request_id = "request-0001";
  fields.agent_name = agent_name;
  fields.stop = std::move(stop);
  return ExecutionContext::create(std::move(fields));
}

FakeRun::FakeRun(const registry::AgentClassRegistry& registry, const std::string& agent_name,
                 std::stop_token stop)
    : context(test_context(agent_name, std::move(stop))), tools(registry, context) {}

boost::json::value run_agent(const registry::AgentClassRegistry& registry, FakeRun& run,
                             const std::string& agent_name, const boost::json::value& input) {
  const auto* agent_class = registry.find_agent(agent_name);
  REQUIRE(agent_class != nullptr);
  auto agent = agent_class->factory(run.services());
  REQUIRE(agent != nullptr);
  return agent->run(input);
}

}  // namespace agenthost::testing
