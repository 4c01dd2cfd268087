#include "load_report.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <iomanip>
#include <stdexcept>

namespace agenthost::bench::load {
namespace json = boost::json;

namespace {

const char* mode_name(LoadMode mode) {
  switch (mode) {
    case LoadMode::closed:
      return "closed";
    case LoadMode::open:
      return "open";
    case LoadMode::idle:
      return "idle";
    case LoadMode::burst:
      return "burst";
  }
  return "?";
}

json::value memory_json(const std::optional<ProcessMemory>& memory) {
  if (!memory) return nullptr;
  return json::object{{"rss_kib", memory->rss_kib}, {"peak_rss_kib", memory->peak_kib}};
}

}  // namespace

double LoadResult::runs_per_second() const {
  return window_seconds > 0 ? static_cast<double>(stats.runs_completed) / window_seconds : 0;
}

double LoadResult::events_per_second() const {
  return window_seconds > 0 ? static_cast<double>(stats.events) / window_seconds : 0;
}

std::optional<double> LoadResult::server_cores() const {
  if (!server_cpu_seconds || window_seconds <= 0) return std::nullopt;
  return *server_cpu_seconds / window_seconds;
}

std::optional<double> LoadResult::kib_per_connection() const {
  if (options.mode != LoadMode::idle || !server_memory_before || !server_memory || connected == 0)
    return std::nullopt;
  return (static_cast<double>(server_memory->rss_kib) -
          static_cast<double>(server_memory_before->rss_kib)) /
         static_cast<double>(connected);
}

std::optional<double> LoadResult::kib_per_waiting_run() const {
  if (options.mode != LoadMode::burst || !server_memory_before || !server_memory_waiting ||
      runs_waiting == 0)
    return std::nullopt;
  return (static_cast<double>(server_memory_waiting->rss_kib) -
          static_cast<double>(server_memory_before->rss_kib)) /
         static_cast<double>(runs_waiting);
}

int LoadResult::exit_code() const {
  if (!stats.violations.empty()) return 2;
  if (stats.errors() > 0 || connected < connections) return 1;
  return 0;
}

void print_report(std::ostream& out, const LoadResult& r) {
  const auto& o = r.options;
  out << std::fixed << std::setprecision(2);
  out << "scenario " << (o.label.empty() ? "-" : o.label) << ": mode " << mode_name(o.mode) << ", "
      << o.users << " users, " << r.connected << "/" << r.connections << " connections up in "
      << r.connect_seconds << " s\n";
  if (o.mode == LoadMode::idle) {
    if (auto kib = r.kib_per_connection()) {
      out << "  server RSS " << r.server_memory_before->rss_kib << " KiB -> "
          << r.server_memory->rss_kib << " KiB: " << *kib << " KiB per idle connection\n";
    }
  } else {
    if (o.mode == LoadMode::burst) {
      out << "  one wave of " << r.stats.runs_started << " runs (" << o.in_flight
          << " per user, wait " << o.wait_ms << " ms): first start -> last terminal event "
          << r.window_seconds << " s\n";
      if (auto kib = r.kib_per_waiting_run())
        out << "  server RSS " << r.server_memory_before->rss_kib << " KiB -> "
            << r.server_memory_waiting->rss_kib << " KiB with " << r.runs_waiting
            << " runs waiting: " << *kib << " KiB per waiting run\n";
    }
    out << "  " << r.stats.runs_completed << " runs completed in " << r.window_seconds
        << " s: " << r.runs_per_second() << " runs/s, " << r.events_per_second() << " events/s, "
        << (r.stats.runs_completed ? r.stats.bytes / r.stats.runs_completed : 0) << " bytes/run\n";
    out << "  start -> terminal event: p50 " << r.latency.p50_ms << " ms, p99 " << r.latency.p99_ms
        << " ms, p99.9 " << r.latency.p999_ms << " ms, max " << r.latency.max_ms << " ms\n";
    if (r.server_memory) out << "  server RSS " << r.server_memory->rss_kib << " KiB\n";
    if (auto cores = r.server_cores()) {
      out << "  server CPU " << *cores << " cores";
      if (r.stats.runs_completed)
        out << ", " << *r.server_cpu_seconds * 1e6 / static_cast<double>(r.stats.runs_completed)
            << " us per run";
      out << "\n";
    }
  }
  out << "  runs started " << r.stats.runs_started << ", errors " << r.stats.errors() << " (failed "
      << r.stats.runs_failed << ", refused " << r.stats.runs_refused << ", unfinished "
      << r.stats.runs_unfinished << ", connection " << r.stats.connection_errors
      << "), protocol violations " << r.stats.violations.size() << "\n";
  for (const auto& [kind, n] : r.stats.error_kinds) out << "    " << kind << ": " << n << "\n";
  for (const auto& e : r.stats.error_samples) out << "    e.g. " << e << "\n";
  for (const auto& v : r.stats.violations) out << "  VIOLATION: " << v << "\n";
}

void write_json(const std::string& path, const LoadResult& r) {
  const auto& o = r.options;
  json::object errors;
  for (const auto& [kind, n] : r.stats.error_kinds) errors[kind] = n;
  json::array violations;
  for (const auto& v : r.stats.violations) violations.emplace_back(v);
  json::array samples;
  for (const auto& e : r.stats.error_samples) samples.emplace_back(e);
  json::object result{
      {"label", o.label},
      {"mode", mode_name(o.mode)},
      {"users", o.users},
      {"in_flight_per_user", o.in_flight},
      {"target_rate", o.rate},
      {"agent_events", o.agent_events},
      {"wait_ms", o.wait_ms},
      {"client_threads", o.threads},
      {"warmup_s", std::chrono::duration<double>(o.warmup).count()},
      {"window_s", r.window_seconds},
      {"connections", r.connections},
      {"connected", r.connected},
      {"connect_s", r.connect_seconds},
      {"runs_started", r.stats.runs_started},
      {"runs_completed", r.stats.runs_completed},
      {"events", r.stats.events},
      {"frames", r.stats.frames},
      {"bytes", r.stats.bytes},
      {"runs_per_s", r.runs_per_second()},
      {"events_per_s", r.events_per_second()},
      {"latency_ms", json::object{{"samples", r.latency.samples},
                                  {"mean", r.latency.mean_ms},
                                  {"p50", r.latency.p50_ms},
                                  {"p90", r.latency.p90_ms},
                                  {"p99", r.latency.p99_ms},
                                  {"p999", r.latency.p999_ms},
                                  {"max", r.latency.max_ms}}},
      {"errors", r.stats.errors()},
      {"runs_failed", r.stats.runs_failed},
      {"runs_refused", r.stats.runs_refused},
      {"runs_unfinished", r.stats.runs_unfinished},
      {"connection_errors", r.stats.connection_errors},
      {"error_kinds", errors},
      {"error_samples", samples},
      {"violations", violations},
      {"server_memory_before", memory_json(r.server_memory_before)},
      {"server_memory", memory_json(r.server_memory)},
      {"server_memory_waiting", memory_json(r.server_memory_waiting)},
      {"runs_waiting", r.runs_waiting},
      {"exit_code", r.exit_code()},
  };
  if (auto kib = r.kib_per_connection()) result["kib_per_connection"] = *kib;
  if (auto kib = r.kib_per_waiting_run()) result["kib_per_waiting_run"] = *kib;
  if (auto cores = r.server_cores()) {
    result["server_cores"] = *cores;
    if (r.stats.runs_completed)
      result["server_cpu_us_per_run"] =
          *r.server_cpu_seconds * 1e6 / static_cast<double>(r.stats.runs_completed);
  }
  std::ofstream file(path);
  file << json::serialize(result) << "\n";
  if (!file) throw std::runtime_error("cannot write " + path);
}

}  // namespace agenthost::bench::load
