// random_id(): 128-bit hex ids, unique within and across threads, valid as context ids.
#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agenthost/id_rules.hpp"
#include "context/random_id.hpp"

using agenthost::context::random_id;

TEST_CASE("random ids are 32 lowercase hex characters and valid context ids") {
  for (int i = 0; i < 1000; ++i) {
    const auto id = random_id();
    REQUIRE(id.size() == agenthost::context::kRandomIdLength);
    for (char c : id) REQUIRE(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    REQUIRE(agenthost::id_problem(id).empty());
  }
}

TEST_CASE("random ids do not repeat, within a thread or across threads") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;  // several buffer refills per thread
  std::mutex m;
  std::set<std::string> all;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      mine.reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) mine.push_back(random_id());
      std::lock_guard lock(m);
      all.insert(mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  CHECK(all.size() == static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_CASE("random ids use every hex digit in every position (no stuck bits)") {
  std::vector<std::set<char>> seen(agenthost::context::kRandomIdLength);
  for (int i = 0; i < 2000; ++i) {
    const auto id = random_id();
    for (std::size_t p = 0; p < id.size(); ++p) seen[p].insert(id[p]);
  }
  for (const auto& digits : seen) CHECK(digits.size() == 16);
}

TEST_CASE("time-ordered ids have the same shape, increase strictly and sort by creation time") {
  using agenthost::context::time_ordered_id;
  std::set<std::string> all;
  std::string last_millisecond_prefix;
  std::string last_id;
  std::vector<std::set<char>> seen(agenthost::context::kRandomIdLength);
  for (int i = 0; i < 20000; ++i) {
    const auto id = time_ordered_id();
    REQUIRE(id.size() == agenthost::context::kRandomIdLength);
    for (char c : id) REQUIRE(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    REQUIRE(agenthost::id_problem(id).empty());
    // The first 12 digits are the millisecond: never earlier than the last id's.
    const auto prefix = id.substr(0, 12);
    REQUIRE(prefix >= last_millisecond_prefix);
    last_millisecond_prefix = prefix;
    // Strictly after the last one, even within the same millisecond.
    REQUIRE(id > last_id);
    last_id = id;
    for (std::size_t p = 16; p < id.size(); ++p) seen[p].insert(id[p]);
    all.insert(id);
  }
  CHECK(all.size() == 20000u);
  // The random part has no stuck digit.
  for (std::size_t p = 16; p < seen.size(); ++p) CHECK(seen[p].size() == 16);
  // An id made a millisecond later sorts after every earlier one.
  const auto before = time_ordered_id();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string after = time_ordered_id();
  while (after.substr(0, 12) == before.substr(0, 12) && std::chrono::steady_clock::now() < deadline)
    after = time_ordered_id();
  CHECK(after > before);
}
