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

TEST_CASE("the inbox queues events - wakes once per batch - and hands them over in order") {
  int wakes = 0;
  SessionInbox inbox("alice", 10, nullptr, [&] { ++wakes; });
  inbox.deliver(ev("alice", 1));
  inbox.deliver(ev("alice", 2));
  CHECK(wakes == 1);
  auto batch = inbox.take();
  REQUIRE(batch.size() == 2);
  CHECK(batch[0].event->seq == 1);
  CHECK(batch[1].event->seq == 2);
  inbox.deliver(ev("alice", 3));
  CHECK(wakes == 2);
}

TEST_CASE("another user's event never enters the inbox") {
  int wakes = 0;
  SessionInbox inbox("alice", 10, nullptr, [&] { ++wakes; });
  inbox.deliver(ev("bob", 1));
  CHECK(wakes == 0);
  CHECK(inbox.take().empty());
}

TEST_CASE("a full inbox keeps what it has and queues one lagging marker per run") {
  std::atomic<std::uint64_t> dropped{0};
  SessionInbox inbox("alice", 3, &dropped, [] {});
  for (std::uint64_t s = 1; s <= 6; ++s) inbox.deliver(ev("alice", s));
  auto other = ev("alice", 1);
  std::const_pointer_cast<Event>(other)->run_id = "run-2";
  inbox.deliver(other);
  auto batch = inbox.take();
  REQUIRE(batch.size() == 5);
  for (std::size_t i = 0; i < 3; ++i) CHECK(batch[i].event->seq == i + 1);
  CHECK_FALSE(batch[3].event);
  CHECK(batch[3].lagging_run == "run-1");
  CHECK(batch[4].lagging_run == "run-2");
  CHECK(dropped.load() == 4);  // seq 4, 5, 6 of run-1 and run-2's first
  // Room again: events queue normally.
  inbox.deliver(ev("alice", 7));
  auto next = inbox.take();
  REQUIRE(next.size() == 1);
  CHECK(next[0].event->seq == 7);
}

TEST_CASE("once a run is marked lagging its later events stay behind the marker") {
  SessionInbox inbox("alice", 2, nullptr, [] {});
  inbox.deliver(ev("alice", 1));
  inbox.deliver(ev("alice", 2));
  inbox.deliver(ev("alice", 3));  // dropped, marker
  auto batch = inbox.take();
  REQUIRE(batch.size() == 3);
  CHECK(batch[2].lagging_run == "run-1");
}

TEST_CASE("a closed inbox takes nothing and wakes nobody") {
  int wakes = 0;
  SessionInbox inbox("alice", 3, nullptr, [&] { ++wakes; });
  inbox.close();
  inbox.deliver(ev("alice", 1));
  inbox.mark_lagging("run-1");
  CHECK(wakes == 0);
  CHECK(inbox.take().empty());
}

TEST_CASE("the start gate holds events until opened - then forwards in order") {
  int wakes = 0;
  auto inbox = std::make_shared<SessionInbox>("alice", 10, nullptr, [&] { ++wakes; });
  RunStartGate gate(inbox, 10);
  gate.deliver(ev("alice", 1));
  gate.deliver(ev("alice", 2));
  CHECK(wakes == 0);
  CHECK(inbox->take().empty());
  gate.open();
  gate.deliver(ev("alice", 3));
  auto batch = inbox->take();
  REQUIRE(batch.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(batch[i].event->seq == i + 1);
}

TEST_CASE("a start gate that fills up before it opens marks its run lagging") {
  auto inbox = std::make_shared<SessionInbox>("alice", 10, nullptr, [] {});
  RunStartGate gate(inbox, 2);
  for (std::uint64_t s = 1; s <= 5; ++s) gate.deliver(ev("alice", s));
  gate.open();
  auto batch = inbox->take();
  REQUIRE(batch.size() == 3);
  CHECK(batch[0].event->seq == 1);
  CHECK(batch[1].event->seq == 2);
  CHECK(batch[2].lagging_run == "run-1");
}
