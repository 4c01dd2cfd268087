#include "fiber/blocking_pool.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

#include "threads/thread_name.hpp"

namespace agenthost::fiber {

BlockingPool::BlockingPool(std::uint32_t threads) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::uint32_t i = 0; i < threads; ++i)
    threads_.push_back(
        threads::start_named("ah-blocking-" + std::to_string(i), [this] { loop(); }));
}

BlockingPool::~BlockingPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& t : threads_) t.join();
}

BlockingPool::Ticket BlockingPool::submit(const std::string& user, Task task) {
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    ticket = queue_.push(user, std::move(task));
  }
  work_.notify_one();
  return ticket;
}

bool BlockingPool::cancel(Ticket ticket) {
  std::lock_guard lock(mutex_);
  return queue_.remove(ticket).has_value();
}

std::size_t BlockingPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void BlockingPool::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    auto task = queue_.pop();
    if (!task) return;  // stopping and drained
    lock.unlock();
    try {
      (*task)();
    } catch (const std::exception& e) {
      spdlog::error("a blocking task threw: {}", e.what());
    } catch (...) {
      spdlog::error("a blocking task threw an exception that is not a std::exception");
    }
    task.reset();  // whatever it captured is released outside the lock
    lock.lock();
  }
}

}  // namespace agenthost::fiber
