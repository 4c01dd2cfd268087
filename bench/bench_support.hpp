#pragma once
// What the microbenchmarks run against: the echo plugin's .so loaded by the real
// loader into a frozen registry, a real SQLite database in a temp dir behind the
// real session pool, an in-memory EventStore (for benchmarks that do not measure
// storage) and the real EventRouter.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agenthost/execution_context.hpp"
#include "context/context_factory.hpp"
#include "database/database_session_manager.hpp"
#include "events/event.hpp"
#include "events/event_router.hpp"
#include "events/event_sink.hpp"
#include "events/event_store.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_waiter.hpp"
#include "registry/agent_class_registry.hpp"
#include "support/temp_dir.hpp"

namespace agenthost::bench {

/// The tests' temp dir (tests/support/temp_dir.hpp): one implementation.
using agenthost::testing::TempDir;

/// Keeps appended events in memory, like the real EventLog's queue, but writes
/// nothing: the last kKept events are held and then dropped in one go, so memory
/// stays bounded over millions of iterations (the cost of freeing events is part of
/// what is measured, as it would be after a real batch write).
class InMemoryEventStore final : public events::EventStore {
 public:
  static constexpr std::size_t kKept = 4096;
  void append(const events::EventPtr& event) override;
  void flush() override {}
  std::uint64_t appended() const noexcept { return appended_.load(std::memory_order_relaxed); }

 private:
  std::mutex mutex_;
  std::vector<events::EventPtr> events_;
  std::atomic<std::uint64_t> appended_{0};
};

/// Counts what it receives; does nothing else (the cheapest possible subscriber).
class CountingSink final : public events::EventSink {
 public:
  void deliver(const events::EventPtr&) noexcept override {
    received_.fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t received() const noexcept { return received_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> received_{0};
};

/// The host's parts, built once per benchmark process (loading a plugin and opening
/// a database per benchmark run would only slow the suite down).
struct BenchHost {
  BenchHost();
  ~BenchHost();

  /// The echo agent class as the echo plugin registered it.
  const registry::AgentClass& echo() const;

  /// A request for a run of echo by one user in one thread, as the engine builds it
  /// (a 32-character thread id from random_id(), no metadata).
  context::RunContextRequest run_request() const;

  registry::AgentClassRegistry registry;  // first: outlives every agent made from it
  TempDir dir;
  std::unique_ptr<database::DatabaseSessionManager> database;
  InMemoryEventStore store;
  events::EventRouter router;
  std::string thread_id;
  /// A run's waiter used off any fiber (the benchmarks run on a plain thread): its
  /// waits block the calling thread, as in the SDK's harness.
  fiber::BlockingPool blocking{1};
  fiber::FiberWaiter waiter{"user-0042", blocking};
};

/// The process's BenchHost, created on first use.
BenchHost& bench_host();

/// A valid top-level context for `user_id` / `run_id` with fixed request and thread
/// ids, for benchmarks that need a context but do not measure its creation.
agenthost::ExecutionContext fixed_context(std::string user_id, std::string run_id);

}  // namespace agenthost::bench
