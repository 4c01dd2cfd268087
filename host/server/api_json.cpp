#include "server/api_json.hpp"

#include "events/event.hpp"

namespace agenthost::server {

boost::json::object run_json(const database::RunRecord& run) {
  boost::json::object out{
      {"run_id", run.run_id},    {"thread_id", run.thread_id},
      {"agent", run.agent_name}, {"status", run.status},
      {"input", run.input},      {"created_at", events::format_rfc3339(run.created_at)}};
  if (run.started_at) out["started_at"] = events::format_rfc3339(*run.started_at);
  if (run.finished_at) out["finished_at"] = events::format_rfc3339(*run.finished_at);
  if (run.result) out["result"] = *run.result;
  if (run.error) out["error"] = *run.error;
  return out;
}

boost::json::object agent_json(const registry::AgentClass& agent) {
  return {{"name", agent.info.name},
          {"plugin", agent.plugin_name},
          {"version", agent.info.version},
          {"description", agent.info.description}};
}

}  // namespace agenthost::server
