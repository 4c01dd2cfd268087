#include "config/limits_section.hpp"

#include "config/schema_fields.hpp"

namespace agenthost::config {

const ObjectSchema<LimitsSettings>& limits_schema() {
  static const ObjectSchema<LimitsSettings> schema{
      "How much of the host one user may take, so that no user blocks another.",
      {
          field("max_concurrent_runs_per_user", &LimitsSettings::max_concurrent_runs_per_user,
                "Runs one user may have executing at the same time.", range(1, 1000))
              .live(),
          field("max_queued_runs_per_user", &LimitsSettings::max_queued_runs_per_user,
                "Runs one user may have waiting beyond those; further ones are refused.",
                range(0, 100000))
              .live(),
          field("run_timeout", &LimitsSettings::run_timeout,
                "A run still working after this long is cancelled (the time it waits for its "
                "user's answer does not count).",
                range(std::chrono::seconds(1), std::chrono::hours(24)))
              .live(),
          field("cancel_grace", &LimitsSettings::cancel_grace,
                "How long a run told to stop (cancel, timeout, shutdown) may take to end; "
                "then its worker process is recycled and the run ends agent_death (cause "
                "unresponsive). Also how long (at least 1 s) a worker process may leave unread "
                "what the host sends it before it is taken for hung, killed and replaced.",
                range(std::chrono::milliseconds(0), std::chrono::hours(1)))
              .restart(),
          field("input_timeout", &LimitsSettings::input_timeout,
                "A run waiting for its user's answer longer than this ends timed_out (death "
                "cause input_timeout).",
                range(std::chrono::seconds(1), std::chrono::hours(24 * 30)))
              .live(),
          field("max_waiting_runs_per_user", &LimitsSettings::max_waiting_runs_per_user,
                "Runs one user may have waiting for input at once (they hold no concurrency "
                "slot); a run that asks beyond it fails with agent_error.",
                range(1, 100000))
              .live(),
          field("max_run_resumes", &LimitsSettings::max_run_resumes,
                "Restarts a resumable run found working survives: at the next one it ends "
                "agent_death, as it may be what stops the host (restarts while it waits for "
                "its user's answer do not count).",
                range(0, 100))
              .restart(),
          field("worker_threads", &LimitsSettings::worker_threads,
                "Threads that run agent code; each carries many runs (a waiting run holds no "
                "thread), so this is not a cap on runs in flight.",
                range(1, 1024))
              .restart(),
          field("max_active_runs", &LimitsSettings::max_active_runs,
                "Runs started and not ended (working or waiting), all users together; beyond "
                "it, runs wait their turn fairly by user.",
                range(1, 30000))
              .restart(),
          field("blocking_threads", &LimitsSettings::blocking_threads,
                "Threads for blocking calls made while runs wait (scoped database "
                "transactions, the host's run records, agents' run_blocking work).",
                range(1, 1024))
              .restart(),
          field("fiber_stack_kib", &LimitsSettings::fiber_stack_kib,
                "Stack reserved per run, in KiB, with a guard page below it; only the pages "
                "a run touches are resident.",
                range(64, 8192))
              .restart(),
          field("max_result_bytes", &LimitsSettings::max_result_bytes,
                "Largest result of a run, in bytes of JSON; an agent returning more fails "
                "with agent_error saying so.",
                range(1024, 1024 * 1024 * 1024))
              .restart(),
      }};
  return schema;
}

}  // namespace agenthost::config
