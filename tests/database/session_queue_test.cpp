// The agents' pool: whoever waits for a session waits in a line that is fair between
// users, a user never holds more than its share while another waits, and a waiter
// can leave the line.
#include <catch2/catch.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database_test_support.hpp"

using namespace agenthost::database;
using namespace agenthost::database::test;

namespace {

// Records the order in which waiters got a session, and keeps their leases.
struct Receivers {
  explicit Receivers(DatabaseSessionManager& m) : manager(m) {}
  // Leaves the line first, so that giving the leases back serves nobody here.
  ~Receivers() {
    for (auto ticket : tickets) manager.cancel_acquire(ticket);
    std::vector<DatabaseSessionManager::Lease> held;
    {
      std::lock_guard lock(mutex);
      held.swap(leases);
    }
  }

  DatabaseSessionManager& manager;
  std::mutex mutex;
  std::vector<std::string> order;
  std::vector<DatabaseSessionManager::Lease> leases;
  std::vector<std::uint64_t> tickets;

  std::uint64_t wait(const std::string& user, const std::string& name) {
    const auto ticket = manager.acquire_async(user, [this, user, name](auto session) {
      auto lease = manager.take(std::move(session), user);
      std::lock_guard lock(mutex);
      order.push_back(name);
      leases.push_back(std::move(lease));
    });
    tickets.push_back(ticket);
    return ticket;
  }
  // Gives back the lease the `index`th receiver got.
  void release(std::size_t index) {
    std::optional<DatabaseSessionManager::Lease> lease;
    {
      std::lock_guard lock(mutex);
      lease.emplace(std::move(leases.at(index)));
    }
    lease->release();  // outside the lock: the next receiver runs on this thread
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return order.size();
  }
};

}  // namespace

TEST_CASE("a user with many waiting runs delays another user's one by one hand-off",
          "[database][pool]") {
  TestDatabase db("sqlite3");
  auto manager = db.open_migrated([](DatabaseOptions& o) {
    o.pool_size = 1;
    o.max_sessions_per_user = 1;
  });
  Receivers r(*manager);
  r.wait("hog", "hog-0");  // takes the only session at once
  REQUIRE(r.count() == 1);
  for (int i = 1; i <= 100; ++i) r.wait("hog", "hog-" + std::to_string(i));
  r.wait("bob", "bob-0");
  CHECK(manager->stats().waiting == 101);
  // Users take turns: the hog's line was first, so its next run gets the session
  // back, and bob's run comes right after that one hand-off, not after a hundred.
  r.release(0);
  REQUIRE(r.count() == 2);
  CHECK(r.order[1] == "hog-1");
  r.release(1);
  REQUIRE(r.count() == 3);
  CHECK(r.order[2] == "bob-0");
  r.release(2);
  REQUIRE(r.count() == 4);
  CHECK(r.order[3] == "hog-2");
}

TEST_CASE("a user holds at most its share of sessions while others are served",
          "[database][pool]") {
  TestDatabase db("sqlite3");
  auto manager = db.open_migrated([](DatabaseOptions& o) {
    o.pool_size = 4;
    o.max_sessions_per_user = 2;
  });
  Receivers r(*manager);
  for (int i = 0; i < 5; ++i) r.wait("hog", "hog-" + std::to_string(i));
  CHECK(r.count() == 2);  // its share, although two more sessions are free
  CHECK(manager->stats().in_use == 2);
  r.wait("bob", "bob-0");
  r.wait("carol", "carol-0");
  CHECK(r.count() == 4);  // served at once from the free sessions
  CHECK(r.order[2] == "bob-0");
  CHECK(r.order[3] == "carol-0");
  r.release(2);  // bob's session goes back: the hog is still at its share
  CHECK(r.count() == 4);
  CHECK(manager->stats().in_use == 3);
  r.release(0);  // one of the hog's own: its next waiter takes it
  REQUIRE(r.count() == 5);
  CHECK(r.order[4] == "hog-2");
}

TEST_CASE("a waiter can leave the line before it is served", "[database][pool]") {
  TestDatabase db("sqlite3");
  auto manager = db.open_migrated([](DatabaseOptions& o) { o.pool_size = 1; });
  Receivers r(*manager);
  r.wait("alice", "alice-0");
  const auto ticket = r.wait("bob", "bob-0");
  CHECK(manager->cancel_acquire(ticket));
  CHECK_FALSE(manager->cancel_acquire(ticket));
  CHECK(manager->stats().waiting == 0);
  r.release(0);
  CHECK(r.count() == 1);  // nobody was served: bob had left
  CHECK(manager->stats().in_use == 0);
  CHECK_FALSE(manager->cancel_acquire(0));  // "served at once" cannot be cancelled
}
