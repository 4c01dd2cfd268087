#include "fiber/stack_pool.hpp"

#include <boost/context/protected_fixedsize_stack.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace agenthost::fiber {
namespace {

using Mapper = boost::context::protected_fixedsize_stack;

}  // namespace

StackPool::StackPool(std::size_t stack_size, std::size_t keep)
    : stack_size_(stack_size), keep_(keep) {
  kept_.reserve(keep_);
}

StackPool::~StackPool() {
  Mapper mapper(stack_size_);
  for (auto& stack : kept_) mapper.deallocate(stack);
}

boost::context::stack_context StackPool::allocate() {
  {
    std::lock_guard lock(mutex_);
    if (!kept_.empty()) {
      auto stack = kept_.back();
      kept_.pop_back();
      return stack;
    }
  }
  return Mapper(stack_size_).allocate();
}

void StackPool::deallocate(boost::context::stack_context& stack) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  // The ended run's frames are gone; whatever redzones it left poisoned must not
  // fail the next run that uses this memory.
  ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(stack.sp) - stack.size, stack.size);
#endif
  {
    std::lock_guard lock(mutex_);
    if (kept_.size() < keep_) {
      kept_.push_back(stack);
      return;
    }
  }
  Mapper(stack_size_).deallocate(stack);
}

std::size_t StackPool::kept() const {
  std::lock_guard lock(mutex_);
  return kept_.size();
}

}  // namespace agenthost::fiber
