#pragma once
/// \file
/// FiberScheduler: the worker threads that run agent code. Each thread has its own
/// event loop and carries many runs, each a fiber (a stackful coroutine: Boost.Context
/// through Asio's spawn) with a fixed stack and a guard page below it. A run that
/// waits (FiberWaiter) gives its thread to the next run; a run never moves to another
/// thread. Runs are placed on the threads in turn.
///
/// Stacks: `stack_size` bytes reserved per run (default 256 KiB), of which only the
/// pages the run touches are resident; the guard page turns an overflow into SIGSEGV
/// (a crash of the process, never silent corruption of another run's memory). Each
/// stack costs two memory mappings: vm.max_map_count (65530 by default) bounds the
/// runs alive at once to about 32,000, above limits.max_active_runs' maximum. Stacks
/// of ended runs are reused (StackPool).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "fiber/fiber_waiter.hpp"

namespace agenthost::fiber {

class StackPool;

class FiberScheduler {
 public:
  struct Options {
    std::uint32_t threads = 2;
    std::size_t stack_size = 256 * 1024;
  };

  /// Starts the threads. Throws std::invalid_argument for 0 threads or a stack
  /// smaller than 64 KiB.
  explicit FiberScheduler(Options options);
  /// stop().
  ~FiberScheduler();
  FiberScheduler(const FiberScheduler&) = delete;
  FiberScheduler& operator=(const FiberScheduler&) = delete;

  /// Starts `body` as a fiber on the next thread, with `waiter` attached to it for the
  /// body's duration. `body` must not throw. Thread-safe.
  void spawn(const std::shared_ptr<FiberWaiter>& waiter, std::function<void()> body);

  /// Lets the threads finish what they carry (every fiber must be able to end), then
  /// joins them. Idempotent; not from a worker thread.
  void stop();

  std::uint32_t threads() const noexcept;
  const Options& options() const noexcept { return options_; }

 private:
  struct Worker;  // one thread and its event loop (fiber_scheduler.cpp)

  /// Stacks of ended runs kept for the next ones. Runs start and end in bursts (one
  /// commit of the event log's writer starts every run it recorded), so the runs alive
  /// swing by hundreds on a busy host; with 64 kept, 0.16 stacks per run were mapped
  /// and unmapped again (closed-100), each unmap a TLB shootdown of the other core.
  /// Resident at most: 1,024 x what a run touches (typically 8 to 16 KiB).
  static constexpr std::size_t kKeptStacks = 1024;

  const Options options_;
  // Before workers_: destroyed after them, since a worker's event loop may still
  // hold fibers (and so stacks) when it goes.
  std::unique_ptr<StackPool> stacks_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace agenthost::fiber
