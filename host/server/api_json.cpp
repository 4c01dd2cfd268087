#include "server/api_json.hpp"

#include <boost/json/array.hpp>

#include "database/run_record.hpp"
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
  if (run.question) out["question"] = *run.question;
  return out;
}

boost::json::object agent_json(const registry::AgentClass& agent) {
  return {{"name", agent.info.name},
          {"plugin", agent.plugin_name},
          {"version", agent.info.version},
          {"description", agent.info.description}};
}

namespace {

boost::json::object timing_json(const execution::TimingSummary& t) {
  auto ms = [](std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1000.0; };
  return {{"count", t.count}, {"min", ms(t.min)}, {"avg", ms(t.average())}, {"max", ms(t.max)}};
}

}  // namespace

boost::json::object user_stats_json(const std::string& user_id,
                                    const std::map<std::string, std::uint64_t>& runs_by_status,
                                    const std::optional<execution::ExecutionStats>& live,
                                    const std::optional<execution::HealthSummary>& health,
                                    const execution::RunLimits& limits) {
  boost::json::object runs;
  std::uint64_t total = 0;
  // Every status, so that clients need not guess which keys may be missing.
  for (const auto status : database::run_status::all) runs[status] = 0;
  for (const auto& [status, count] : runs_by_status) {
    runs[status] = count;
    total += count;
  }
  runs["total"] = total;

  const auto stats = live.value_or(execution::ExecutionStats{});
  const auto summary = health.value_or(execution::HealthSummary{});
  boost::json::array penalties;
  for (const auto& p : summary.penalties) penalties.emplace_back(p);
  boost::json::object live_json{{"active", stats.active},
                                {"queued", stats.queued},
                                {"peak_active", stats.peak_active},
                                {"success_rate", stats.success_rate()},
                                {"queue_wait_ms", timing_json(stats.queue_wait)},
                                {"duration_ms", timing_json(stats.duration)},
                                {"health",
                                 {{"score", summary.score},
                                  {"band", execution::to_string(summary.band)},
                                  {"penalties", std::move(penalties)}}}};

  return {{"user_id", user_id},
          {"runs", std::move(runs)},
          {"live", std::move(live_json)},
          {"limits",
           {{"max_concurrent_runs_per_user", limits.max_concurrent_runs_per_user},
            {"max_queued_runs_per_user", limits.max_queued_runs_per_user},
            {"run_timeout_ms", limits.run_timeout.count()}}}};
}

}  // namespace agenthost::server
