#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "server/unauthenticated_connections.hpp"

using agenthost::server::Session;
using agenthost::server::UnauthenticatedConnections;

namespace {

struct FakeSession : Session {
  void shut_down() override {}
};

}  // namespace

TEST_CASE("admitting over the cap evicts the oldest unauthenticated connection") {
  UnauthenticatedConnections pool(3);
  std::vector<std::shared_ptr<FakeSession>> sessions;
  std::vector<UnauthenticatedConnections::Id> ids;
  for (int i = 0; i < 3; ++i) {
    sessions.push_back(std::make_shared<FakeSession>());
    const auto admission = pool.admit(sessions.back());
    CHECK_FALSE(admission.evicted);
    ids.push_back(admission.id);
  }
  CHECK(pool.size() == 3);
  sessions.push_back(std::make_shared<FakeSession>());
  auto admission = pool.admit(sessions.back());
  CHECK(admission.evicted == sessions[0]);
  CHECK(pool.size() == 3);
  CHECK(pool.evictions() == 1);

  // One that authenticated leaves the pool and is never evicted; the next oldest is.
  pool.leave(ids[1]);
  pool.leave(ids[1]);  // idempotent
  CHECK(pool.size() == 2);
  sessions.push_back(std::make_shared<FakeSession>());
  CHECK_FALSE(pool.admit(sessions.back()).evicted);
  sessions.push_back(std::make_shared<FakeSession>());
  CHECK(pool.admit(sessions.back()).evicted == sessions[2]);
}

TEST_CASE("sessions already gone are skipped when evicting") {
  UnauthenticatedConnections pool(2);
  auto gone = std::make_shared<FakeSession>();
  pool.admit(gone);
  auto live = std::make_shared<FakeSession>();
  pool.admit(live);
  gone.reset();
  auto next = std::make_shared<FakeSession>();
  CHECK(pool.admit(next).evicted == nullptr);  // the gone one made room
  auto another = std::make_shared<FakeSession>();
  CHECK(pool.admit(another).evicted == live);
}
