#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// std::thread::hardware_concurrency(), at least 1: the default of workers.processes.
std::uint32_t default_worker_processes();

/// Section `workers.quarantine`: an agent whose runs kill workers `crashes` times within
/// `within` is refused new runs for `duration`.
struct WorkerQuarantine {
  std::uint32_t crashes = 3;                     ///< 1 .. 1000
  Duration within{std::chrono::seconds(60)};     ///< 1s .. 24h
  Duration duration{std::chrono::seconds(300)};  ///< 1s .. 168h
};

/// Section `workers`: the processes that run agents of plugins in isolation `worker` or
/// `dedicated` (see PluginIsolation).
struct WorkersSettings {
  /// Worker processes of the shared pool; each `dedicated` plugin gets this many of its
  /// own. 1 .. 1024; `auto` in the file (and the default) is the number of cores.
  std::uint32_t processes = default_worker_processes();
  /// Each worker's data segment limit (RLIMIT_DATA) in MiB; 0: no limit.
  std::uint32_t memory_limit_mb = 0;
  /// The worker program, absolute after loading; empty: agenthost-worker next to agenthostd.
  std::string executable;
  WorkerQuarantine quarantine;
};

/// Keys of section `workers`.
const ObjectSchema<WorkersSettings>& workers_schema();

}  // namespace agenthost::config
