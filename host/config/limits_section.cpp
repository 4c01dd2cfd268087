#include "config/limits_section.hpp"

#include "config/schema_fields.hpp"

namespace agenthost::config {

const ObjectSchema<LimitsSettings>& limits_schema() {
  static const ObjectSchema<LimitsSettings> schema{
      "How much of the host one user may take, so that no user blocks another.",
      {
          field("max_concurrent_runs_per_user", &LimitsSettings::max_concurrent_runs_per_user,
                "Runs one user may have executing at the same time.", range(1, 1000)),
          field("max_queued_runs_per_user", &LimitsSettings::max_queued_runs_per_user,
                "Runs one user may have waiting beyond those; further ones are refused.",
                range(0, 100000)),
          field("run_timeout", &LimitsSettings::run_timeout,
                "A run still going after this long is cancelled.",
                range(std::chrono::seconds(1), std::chrono::hours(24))),
          field("worker_threads", &LimitsSettings::worker_threads,
                "Threads in the global pool that runs agent code.", range(1, 1024)),
          field("max_result_bytes", &LimitsSettings::max_result_bytes,
                "Largest result of a run, in bytes of JSON; an agent returning more fails "
                "with agent_error saying so.",
                range(1024, 1024 * 1024 * 1024)),
      }};
  return schema;
}

}  // namespace agenthost::config
