#pragma once
// LoadWorker: one client thread with its own io_context and its share of the users'
// connections. It connects them, then drives the load (closed or open loop) until the
// schedule's end and waits for the runs in flight to end. Asio stays in the .cpp.

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "load_options.hpp"
#include "load_stats.hpp"
#include "run_stream_checker.hpp"

namespace agenthost::bench::load {

struct UserToken {
  std::string user;
  std::string token;
};

/// When the load starts and which part of it is measured (the same for every worker).
struct LoadSchedule {
  Clock::time_point start;         ///< first runs start
  Clock::time_point window_begin;  ///< end of the warm-up
  Clock::time_point window_end;    ///< no run starts after this
};

/// How far every worker's runs have got, shared by the workers and read by the main
/// thread while a burst's runs wait (to sample the server's memory at that moment).
struct RunProgress {
  std::atomic<std::uint64_t> started{0};  ///< runs whose agent_started arrived
  std::atomic<std::uint64_t> ended{0};    ///< runs that ended (any terminal event) or were refused
};

class LoadWorker {
 public:
  /// One connection per entry of `connections`. `rate` is this worker's share of the
  /// open-loop rate (runs per second). Counts into `progress`, which must outlive it.
  LoadWorker(const LoadOptions& options, std::vector<UserToken> connections, double rate,
             RunProgress& progress);
  ~LoadWorker();
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  /// Opens every connection (a bounded number of handshakes at a time); ready once each
  /// one is up or has failed.
  std::future<void> connect_all();
  /// Connections up (valid once connect_all() is ready).
  std::size_t connected() const;
  /// Runs the load on `schedule`; ready once the window has ended and no run is in flight.
  std::future<void> run(const LoadSchedule& schedule);
  /// Closes every connection, stops the thread and hands over what was counted; runs
  /// still in flight count as unfinished.
  LoadStats finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agenthost::bench::load
