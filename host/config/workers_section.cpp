#include "config/workers_section.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

constexpr std::int64_t kMaxProcesses = 1024;
constexpr std::string_view kAutoProcesses = "auto";

// An integer, or `auto` for the number of cores (nginx's worker_processes).
void read_processes(const ValueRef& value, WorkersSettings& out, LoadContext& ctx) {
  const auto text = read_scalar_text(value, ctx, "an integer or auto");
  if (!text) return;
  if (*text == kAutoProcesses) {
    out.processes = default_worker_processes();
    return;
  }
  const char* begin = text->data();
  const char* end = begin + text->size();
  if (begin != end && *begin == '+') ++begin;  // from_chars refuses '+'
  std::int64_t number = 0;
  const auto [stop, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || stop != end || begin == end) {
    ctx.report(value, "expected an integer or auto, got '" + *text + "'");
    return;
  }
  if (const auto problem = range(1, kMaxProcesses).check(number)) {
    ctx.report(value, *problem + ", or auto");
    return;
  }
  out.processes = static_cast<std::uint32_t>(number);
}

FieldDoc processes_doc() {
  FieldDoc doc;
  doc.key = "processes";
  doc.type = "integer";
  doc.default_value = std::string(kAutoProcesses);
  doc.allowed = "1 .. " + std::to_string(kMaxProcesses) + ", or `auto`";
  doc.description =
      "Worker processes that run agents of plugins in isolation `worker`; each `dedicated` "
      "plugin gets this many of its own. `auto`: the number of cores.";
  return doc;
}

void read_executable(const ValueRef& value, WorkersSettings& out, LoadContext& ctx) {
  const auto path = read_string(value, ctx);
  if (!path) return;
  out.executable = path->empty() ? std::string() : ctx.resolve_path(*path);
}

FieldDoc executable_doc() {
  FieldDoc doc;
  doc.key = "executable";
  doc.type = "string";
  doc.default_value = "\"\"";
  doc.allowed = "a path";
  doc.description =
      "The worker program; empty: `agenthost-worker` next to `agenthostd`. Relative to the "
      "config file's directory.";
  return doc;
}

const ObjectSchema<WorkerQuarantine>& quarantine_schema() {
  static const ObjectSchema<WorkerQuarantine> schema{
      "An agent whose runs kill workers `crashes` times within `within` is refused new runs "
      "for `duration`.",
      {
          field("crashes", &WorkerQuarantine::crashes,
                "Worker deaths caused by one agent's runs that quarantine the agent.",
                range(1, 1000))
              .restart(),
          field("within", &WorkerQuarantine::within,
                "The window in which those deaths are counted.",
                range(std::chrono::seconds(1), std::chrono::hours(24)))
              .restart(),
          field("duration", &WorkerQuarantine::duration,
                "How long a quarantined agent's new runs are refused.",
                range(std::chrono::seconds(1), std::chrono::hours(24 * 7)))
              .restart(),
      }};
  return schema;
}

}  // namespace

std::uint32_t default_worker_processes() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<std::uint32_t>(std::min<unsigned>(cores, kMaxProcesses));
}

const ObjectSchema<WorkersSettings>& workers_schema() {
  static const ObjectSchema<WorkersSettings> schema{
      "The supervised worker processes that run agents of plugins in isolation `worker` or "
      "`dedicated` (plugins.isolation): a worker that dies ends only its own runs.",
      {
          custom_field(processes_doc(), read_processes, &WorkersSettings::processes).restart(),
          field("memory_limit_mb", &WorkersSettings::memory_limit_mb,
                "Each worker's data segment limit (RLIMIT_DATA), in MiB; 0: no limit.",
                range(0, 4194304))
              .restart(),
          custom_field(executable_doc(), read_executable, &WorkersSettings::executable).restart(),
          section("quarantine", &WorkersSettings::quarantine, quarantine_schema()),
      }};
  return schema;
}

}  // namespace agenthost::config
