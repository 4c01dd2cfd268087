#include <catch2/catch.hpp>

#include <atomic>

#include "server/session_inbox.hpp"

using agenthost::events::Event;
using agenthost::events::EventPtr;
using agenthost::server::RunStartGate;
using agenthost::server::SessionInbox;

namespace {

EventPtr ev(const std::string& user, std::uint64_t seq) {
  auto e = std::make_shared<Event>();
  e->type = "agent_thinking";
  e->user_id = user;
  e->run_id = "run-1";
  e->seq = seq;
  return e;
}

}  // namespace

TEST_CASE("the inbox queues events, wakes once per batch, and hands them over in order") {
  int wakes = 0;
  SessionInbox inbox("alice", 10, [&] { ++wakes; });
  inbox.deliver(ev("alice", 1));
  inbox.deliver(ev("alice", 2));
  CHECK(wakes == 1);
  auto batch = inbox.take();
  CHECK_FALSE(batch.overflowed);
  REQUIRE(batch.events.size() == 2);
  CHECK(batch.events[0]->seq == 1);
  CHECK(batch.events[1]->seq == 2);
  inbox.deliver(ev("alice", 3));
  CHECK(wakes == 2);
}

TEST_CASE("another user's event never enters the inbox") {
  int wakes = 0;
  SessionInbox inbox("alice", 10, [&] { ++wakes; });
  inbox.deliver(ev("bob", 1));
  CHECK(wakes == 0);
  CHECK(inbox.take().events.empty());
}

TEST_CASE("a full inbox overflows: everything is dropped and the strand is told") {
  int wakes = 0;
  SessionInbox inbox("alice", 3, [&] { ++wakes; });
  for (std::uint64_t s = 1; s <= 4; ++s) inbox.deliver(ev("alice", s));
  CHECK(wakes == 2);  // first event, then the overflow
  auto batch = inbox.take();
  CHECK(batch.overflowed);
  CHECK(batch.events.empty());
  inbox.deliver(ev("alice", 5));
  CHECK(inbox.take().events.empty());
}

TEST_CASE("a closed inbox takes nothing and wakes nobody") {
  int wakes = 0;
  SessionInbox inbox("alice", 3, [&] { ++wakes; });
  inbox.close();
  inbox.deliver(ev("alice", 1));
  inbox.overflow();
  CHECK(wakes == 0);
  CHECK(inbox.take().events.empty());
}

TEST_CASE("the start gate holds events until opened, then forwards in order") {
  int wakes = 0;
  auto inbox = std::make_shared<SessionInbox>("alice", 10, [&] { ++wakes; });
  RunStartGate gate(inbox, 10);
  gate.deliver(ev("alice", 1));
  gate.deliver(ev("alice", 2));
  CHECK(wakes == 0);
  CHECK(inbox->take().events.empty());
  gate.open();
  gate.deliver(ev("alice", 3));
  auto batch = inbox->take();
  REQUIRE(batch.events.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(batch.events[i]->seq == i + 1);
}

TEST_CASE("a start gate that overflows before it opens overflows the inbox") {
  auto inbox = std::make_shared<SessionInbox>("alice", 10, [] {});
  RunStartGate gate(inbox, 2);
  for (std::uint64_t s = 1; s <= 3; ++s) gate.deliver(ev("alice", s));
  gate.open();
  CHECK(inbox->take().overflowed);
}
