#pragma once
/// \file
/// StackPool: the runs' fiber stacks, kept for reuse. A fresh stack costs an mmap, an
/// mprotect for its guard page, page faults as the run first touches it and, when the
/// run ends, an munmap whose TLB shootdown interrupts the other cores: about 6 % of
/// the daemon's CPU on short runs in the profile. Stacks of ended runs are kept (up to
/// `keep`) and handed to the next runs; a kept stack keeps only the pages its runs
/// touched resident. Each stack still has its guard page.

#include <boost/context/stack_context.hpp>

#include <cstddef>
#include <mutex>
#include <vector>

namespace agenthost::fiber {

class StackPool {
 public:
  /// Stacks of `stack_size` bytes (plus the guard page); at most `keep` kept unused.
  StackPool(std::size_t stack_size, std::size_t keep);
  /// Unmaps the kept stacks. Every stack handed out must have come back.
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  /// A kept stack, or a new one. Throws std::bad_alloc when none can be mapped.
  boost::context::stack_context allocate();
  /// Keeps `stack` for the next run, or unmaps it when `keep` are kept already.
  void deallocate(boost::context::stack_context& stack) noexcept;

  /// Stacks kept unused now (for tests).
  std::size_t kept() const;

  /// The StackAllocator handed to Boost.Context (copied into each fiber): allocates
  /// from, and gives back to, a pool that outlives every fiber.
  class Allocator {
   public:
    explicit Allocator(StackPool& pool) noexcept : pool_(&pool) {}
    boost::context::stack_context allocate() { return pool_->allocate(); }
    void deallocate(boost::context::stack_context& stack) noexcept { pool_->deallocate(stack); }

   private:
    StackPool* pool_;
  };

 private:
  const std::size_t stack_size_;
  const std::size_t keep_;
  mutable std::mutex mutex_;  // also orders one run's use of a stack before the next's
  std::vector<boost::context::stack_context> kept_;
};

}  // namespace agenthost::fiber
