#pragma once
// Resident memory of another process, from /proc/PID/status (the daemon's or the bare
// server's; the load generator runs as a separate process so its own memory never counts).

#include <cstdint>
#include <optional>

namespace agenthost::bench::load {

struct ProcessMemory {
  std::uint64_t rss_kib = 0;   ///< VmRSS: resident now
  std::uint64_t peak_kib = 0;  ///< VmHWM: highest resident so far
};

/// nullopt when the process is gone or its status is unreadable.
std::optional<ProcessMemory> read_process_memory(int pid);

}  // namespace agenthost::bench::load
