#include "fiber/fiber_scheduler.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>

#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "fiber/stack_pool.hpp"
#include "fiber/suspend_state.hpp"
#include "threads/thread_name.hpp"

namespace agenthost::fiber {

struct FiberScheduler::Worker {
  boost::asio::io_context context{1};  // one thread: handlers never run concurrently
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard{
      context.get_executor()};
  std::thread thread;

  void run() {
    for (;;) {
      try {
        context.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("fiber worker: a handler threw: {}", e.what());
      } catch (...) {
        spdlog::error("fiber worker: a handler threw an exception that is not a std::exception");
      }
    }
  }
};

FiberScheduler::FiberScheduler(Options options) : options_(options) {
  if (options_.threads == 0) throw std::invalid_argument("fiber scheduler: threads must be >= 1");
  if (options_.stack_size < 64 * 1024)
    throw std::invalid_argument("fiber scheduler: stack_size must be at least 64 KiB");
  stacks_ = std::make_unique<StackPool>(options_.stack_size, kKeptStacks);
  workers_.reserve(options_.threads);
  try {
    for (std::uint32_t i = 0; i < options_.threads; ++i) {
      auto worker = std::make_unique<Worker>();
      worker->thread =
          threads::start_named("ah-fiber-" + std::to_string(i), [w = worker.get()] { w->run(); });
      workers_.push_back(std::move(worker));
    }
  } catch (...) {
    stop();
    throw;
  }
}

FiberScheduler::~FiberScheduler() { stop(); }

std::uint32_t FiberScheduler::threads() const noexcept {
  return static_cast<std::uint32_t>(workers_.size());
}

void FiberScheduler::spawn(const std::shared_ptr<FiberWaiter>& waiter, std::function<void()> body) {
  auto& worker = *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
  auto& context = worker.context;
  boost::asio::spawn(
      context, std::allocator_arg, StackPool::Allocator(*stacks_),
      [waiter, body = std::move(body), &context](boost::asio::yield_context yield) {
        waiter->attach(std::make_shared<SuspendState>(context, yield));
        struct Detach {
          FiberWaiter& waiter;
          ~Detach() { waiter.detach(); }
        } detach{*waiter};
        body();
      },
      [](std::exception_ptr error) {
        // A run's body catches everything of its own; what arrives here is a bug in
        // the host. Logged, never dropped silently (asio::detached would).
        if (!error) return;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::critical("fiber scheduler: a run's fiber ended with an exception: {}", e.what());
        } catch (...) {
          spdlog::critical("fiber scheduler: a run's fiber ended with an unknown exception");
        }
      });
}

void FiberScheduler::stop() {
  for (auto& worker : workers_) worker->guard.reset();
  for (auto& worker : workers_)
    if (worker->thread.joinable()) worker->thread.join();
}

}  // namespace agenthost::fiber
