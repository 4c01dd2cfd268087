#include "config/retention_section.hpp"

#include "config/schema_fields.hpp"

namespace agenthost::config {

const ObjectSchema<RetentionSettings>& retention_schema() {
  static const ObjectSchema<RetentionSettings> schema{
      "How long finished runs and their events are kept: the host deletes them in the "
      "background, oldest first, in small batches (docs/operations.md, \"Retention\").",
      {
          field("max_age", &RetentionSettings::max_age,
                "Finished runs (and their events) older than this are deleted; 0 keeps them.",
                range(std::chrono::milliseconds(0), std::chrono::hours(24 * 3650)))
              .restart(),
          field("max_bytes_per_user", &RetentionSettings::max_bytes_per_user,
                "A user storing more than this many bytes (runs' input, result and error, and "
                "events' payloads) loses their oldest finished runs until under it; 0: no cap.",
                range(0, std::int64_t{1} << 50))
              .restart(),
          field("interval", &RetentionSettings::interval,
                "How often the retention pass runs (when max_age or max_bytes_per_user is set).",
                range(std::chrono::seconds(1), std::chrono::hours(24)))
              .restart(),
          field("batch_runs", &RetentionSettings::batch_runs,
                "Runs deleted per transaction: smaller batches hold the database's write lock "
                "for less time.",
                range(1, 10000))
              .restart(),
      }};
  return schema;
}

}  // namespace agenthost::config
