// UsageStore (table model_usage, migration 3) on every backend under test: calls add
// up per run, endpoint and day; a user's totals from a day on, by endpoint.

#include <catch2/catch.hpp>

#include "database/usage_store.hpp"
#include "database_test_support.hpp"

namespace agenthost::database::test {

TEST_CASE("model usage adds up per run, endpoint and day, and per user", "[database][usage]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  UsageStore store(*manager);

  store.add("run-1", "alice", "default", 20000, {100, 20, 1, false});
  store.add("run-1", "alice", "default", 20000, {50, 5, 1, true});
  store.add("run-1", "alice", "local", 20000, {7, 3, 1, false});
  store.add("run-2", "alice", "default", 20001, {1000, 200, 1, false});
  store.add("run-3", "bob", "default", 20001, {9, 9, 1, false});

  const auto run = store.of_run("run-1");
  REQUIRE(run.size() == 2);
  CHECK(run.at("default").prompt_tokens == 150);
  CHECK(run.at("default").completion_tokens == 25);
  CHECK(run.at("default").calls == 2);
  CHECK(run.at("default").estimated);
  CHECK_FALSE(run.at("local").estimated);
  CHECK(store.of_run("run-none").empty());

  const auto all = store.of_user_since("alice", 0);
  CHECK(all.at("default").total() == 150 + 25 + 1000 + 200);
  const auto today = store.of_user_since("alice", 20001);
  REQUIRE(today.size() == 1);
  CHECK(today.at("default").prompt_tokens == 1000);
  CHECK(store.of_user_since("bob", 0).at("default").calls == 1);
}

}  // namespace agenthost::database::test
