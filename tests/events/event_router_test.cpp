#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "event_test_support.hpp"
#include "events/event_router.hpp"

namespace ev = agenthost::events;
using ev::test::RecordingSink;

namespace {

ev::EventPtr make_event(std::string user_id, std::string run_id, std::uint64_t seq = 1) {
  auto e = std::make_shared<ev::Event>();
  e->type = "agent_thinking";
  e->user_id = std::move(user_id);
  e->run_id = std::move(run_id);
  e->thread_id = "thread-1";
  e->agent_name = "echo";
  e->seq = seq;
  return e;
}

}  // namespace

TEST_CASE("publish reaches exactly the sinks of the same user and run", "[router]") {
  ev::EventRouter router;
  auto alice_1 = std::make_shared<RecordingSink>();
  auto alice_1_again = std::make_shared<RecordingSink>();  // a second tab
  auto alice_2 = std::make_shared<RecordingSink>();
  auto bob_on_alice_run = std::make_shared<RecordingSink>();
  auto bob_2 = std::make_shared<RecordingSink>();
  auto s1 = router.subscribe("alice", "run-1", alice_1);
  auto s2 = router.subscribe("alice", "run-1", alice_1_again);
  auto s3 = router.subscribe("alice", "run-2", alice_2);
  auto s4 = router.subscribe("bob", "run-1", bob_on_alice_run);
  auto s5 = router.subscribe("bob", "run-2", bob_2);
  CHECK(router.subscription_count() == 5);
  CHECK(router.run_count() == 2);

  router.publish(make_event("alice", "run-1"));
  router.publish(make_event("alice", "run-3"));  // nobody subscribed: nothing happens

  CHECK(alice_1->log.size() == 1);
  CHECK(alice_1_again->log.size() == 1);
  CHECK(alice_2->log.size() == 0);
  CHECK(bob_on_alice_run->log.size() == 0);
  CHECK(bob_2->log.size() == 0);
  CHECK(alice_1->log.events()[0] == alice_1_again->log.events()[0]);  // one shared event
}

TEST_CASE("destroying or resetting the handle unsubscribes", "[router]") {
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  {
    auto subscription = router.subscribe("alice", "run-1", sink);
    CHECK(subscription);
    router.publish(make_event("alice", "run-1", 1));
    CHECK(router.subscription_count() == 1);
  }
  CHECK(router.subscription_count() == 0);
  CHECK(router.run_count() == 0);  // the empty run is erased
  router.publish(make_event("alice", "run-1", 2));
  CHECK(sink->log.size() == 1);

  auto subscription = router.subscribe("alice", "run-1", sink);
  subscription.reset();
  CHECK_FALSE(subscription);
  subscription.reset();  // idempotent
  router.publish(make_event("alice", "run-1", 3));
  CHECK(sink->log.size() == 1);
  CHECK(router.subscription_count() == 0);
}

TEST_CASE("handles move - only the last owner unsubscribes", "[router]") {
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  auto first = router.subscribe("alice", "run-1", sink);
  ev::EventRouter::Subscription second = std::move(first);
  CHECK_FALSE(first);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  CHECK(second);
  first.reset();
  CHECK(router.subscription_count() == 1);

  auto other = router.subscribe("alice", "run-2", sink);
  second = std::move(other);  // drops the run-1 subscription
  CHECK(router.subscription_count() == 1);
  router.publish(make_event("alice", "run-1"));
  router.publish(make_event("alice", "run-2"));
  REQUIRE(sink->log.size() == 1);
  CHECK(sink->log.events()[0]->run_id == "run-2");
  second.reset();
  CHECK(router.subscription_count() == 0);
  CHECK(router.run_count() == 0);
}

TEST_CASE("a handle that outlives its router is inert", "[router]") {
  auto sink = std::make_shared<RecordingSink>();
  std::optional<ev::EventRouter> router(std::in_place);
  auto subscription = router->subscribe("alice", "run-1", sink);
  router.reset();
  CHECK(subscription);
  subscription.reset();  // nothing to unsubscribe from; must not touch freed memory
  CHECK_FALSE(subscription);
}

TEST_CASE("the router does not own sinks: a destroyed sink is skipped", "[router]") {
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  std::weak_ptr<RecordingSink> watch = sink;
  auto subscription = router.subscribe("alice", "run-1", sink);
  sink.reset();
  CHECK(watch.expired());  // nothing in the router kept it alive
  router.publish(make_event("alice", "run-1"));
  CHECK(router.subscription_count() == 1);  // until the handle goes
  subscription.reset();
  CHECK(router.subscription_count() == 0);
}

TEST_CASE("a sink may own its own subscription without a leak", "[router]") {
  // The Beast session pattern: the session is the sink and holds its handle.
  struct Session final : ev::EventSink {
    void deliver(const ev::EventPtr&) noexcept override { ++received; }
    ev::EventRouter::Subscription subscription;
    int received = 0;
  };
  ev::EventRouter router;
  auto session = std::make_shared<Session>();
  session->subscription = router.subscribe("alice", "run-1", session);
  router.publish(make_event("alice", "run-1"));
  CHECK(session->received == 1);
  std::weak_ptr<Session> watch = session;
  session.reset();
  CHECK(watch.expired());
  CHECK(router.subscription_count() == 0);
}

TEST_CASE("subscribe refuses empty ids and null sinks", "[router]") {
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  CHECK_THROWS_WITH(router.subscribe("", "run-1", sink), Catch::Contains("user_id"));
  CHECK_THROWS_WITH(router.subscribe("alice", "", sink), Catch::Contains("run_id"));
  CHECK_THROWS_WITH(router.subscribe("alice", "run-1", nullptr), Catch::Contains("null"));
  CHECK(router.subscription_count() == 0);
  CHECK(router.run_count() == 0);
}

TEST_CASE("a sink may unsubscribe itself while being delivered to", "[router]") {
  ev::EventRouter router;
  ev::EventRouter::Subscription subscription;
  int received = 0;
  auto sink = std::make_shared<ev::test::CallbackSink>([&](const ev::EventPtr&) {
    ++received;
    subscription.reset();  // takes the router's lock: must not deadlock
  });
  subscription = router.subscribe("alice", "run-1", sink);
  router.publish(make_event("alice", "run-1", 1));
  router.publish(make_event("alice", "run-1", 2));
  CHECK(received == 1);
  CHECK(router.subscription_count() == 0);
}
