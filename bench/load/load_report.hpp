#pragma once
// LoadResult: one invocation's figures, printed for people and written as JSON for
// bench/load_table.py.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "load_options.hpp"
#include "load_stats.hpp"
#include "process_rss.hpp"

namespace agenthost::bench::load {

struct LoadResult {
  LoadOptions options;
  LoadStats stats;
  LatencySummary latency;
  double window_seconds = 0;    ///< the measured window; burst: first start -> last terminal event
  std::size_t connections = 0;  ///< connections asked for
  std::size_t connected = 0;    ///< connections that completed the handshake
  double connect_seconds = 0;   ///< time to open them all
  std::optional<ProcessMemory> server_memory_before;   ///< idle: before connecting; burst: after
  std::optional<ProcessMemory> server_memory_waiting;  ///< burst: with `runs_waiting` waiting
  std::uint64_t runs_waiting = 0;                      ///< burst: started, not ended, at the sample
  std::optional<ProcessMemory> server_memory;  ///< at the end of the window / after settling
  std::optional<double> server_cpu_seconds;    ///< the server's CPU time in the window

  double runs_per_second() const;
  double events_per_second() const;
  /// The server's CPU time over the window, in cores (2.0 = both cores of this machine).
  std::optional<double> server_cores() const;
  /// idle: the server's resident memory growth per connected connection, in KiB.
  std::optional<double> kib_per_connection() const;
  /// burst: the server's resident memory growth per waiting run, in KiB.
  std::optional<double> kib_per_waiting_run() const;
  /// 0 checked and clean, 1 errors, 2 a protocol violation.
  int exit_code() const;
};

void print_report(std::ostream& out, const LoadResult& result);
/// Throws std::runtime_error when the file cannot be written.
void write_json(const std::string& path, const LoadResult& result);

}  // namespace agenthost::bench::load
