// Fiber stacks are reused: an ended run's stack goes to the next run, up to the pool's
// cap, and every stack handed out is whole (its bytes writable from end to end).
#include <catch2/catch.hpp>

#include <boost/context/stack_context.hpp>

#include <unistd.h>

#include <cstring>
#include <set>
#include <vector>

#include "fiber/stack_pool.hpp"

using agenthost::fiber::StackPool;

namespace {

// Boost.Context's stack_context counts the guard page (the lowest page) in its size.
void fill_usable(const boost::context::stack_context& s, int byte) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::memset(static_cast<char*>(s.sp) - s.size + page, byte, s.size - page);
}

}  // namespace

TEST_CASE("a stack given back is handed out again, up to the number kept") {
  constexpr std::size_t kSize = 64 * 1024;
  StackPool pool(kSize, 2);
  std::vector<boost::context::stack_context> stacks;
  for (int i = 0; i < 3; ++i) stacks.push_back(pool.allocate());
  std::set<void*> tops;
  for (const auto& s : stacks) {
    CHECK(s.size >= kSize);
    tops.insert(s.sp);
    // The whole usable range is mapped and writable (the guard page lies below it).
    fill_usable(s, 0xab);
  }
  CHECK(tops.size() == 3);
  CHECK(pool.kept() == 0);
  for (auto& s : stacks) pool.deallocate(s);
  CHECK(pool.kept() == 2);  // the third was unmapped

  auto again = pool.allocate();
  CHECK(tops.count(again.sp) == 1);
  CHECK(pool.kept() == 1);
  fill_usable(again, 0xcd);
  pool.deallocate(again);
  CHECK(pool.kept() == 2);
}
