#pragma once
// Resident memory and CPU time of another process, from /proc/PID/status (the daemon's or the bare
// server's; the load generator runs as a separate process so its own memory never counts).

#include <cstdint>
#include <optional>

namespace agenthost::bench::load {

struct ProcessMemory {
  std::uint64_t rss_kib = 0;   ///< VmRSS: resident now
  std::uint64_t peak_kib = 0;  ///< VmHWM: highest resident so far
};

/// The process and its children (agenthostd's worker processes) count together: their
/// RSS summed (libraries they share are counted in each, a constant that cancels out
/// of the per-run and per-connection differences the reports give), their CPU summed.

/// nullopt when the process is gone or its status is unreadable.
std::optional<ProcessMemory> read_process_memory(int pid);

/// CPU time (user + system, all threads) the process has used so far, in seconds, from
/// /proc/PID/stat; nullopt when unreadable. The difference over the measured window says
/// how many of the machine's cores the server kept busy.
std::optional<double> read_process_cpu_seconds(int pid);

}  // namespace agenthost::bench::load
