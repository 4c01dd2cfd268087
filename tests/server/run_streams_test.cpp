#include <catch2/catch.hpp>

#include "server/run_streams.hpp"

using agenthost::events::Event;
using agenthost::events::EventPtr;
using agenthost::server::RunStreams;

namespace {

EventPtr ev(const std::string& run, std::uint64_t seq, const std::string& type = "agent_thinking") {
  auto e = std::make_shared<Event>();
  e->type = type;
  e->user_id = "alice";
  e->run_id = run;
  e->thread_id = "th";
  e->seq = seq;
  return e;
}

std::vector<EventPtr> range(const std::string& run, std::uint64_t from, std::uint64_t to) {
  std::vector<EventPtr> out;
  for (auto s = from; s <= to; ++s) out.push_back(ev(run, s));
  return out;
}

std::vector<std::uint64_t> seqs(const std::vector<EventPtr>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e->seq);
  return out;
}

std::vector<std::uint64_t> iota(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> out;
  for (auto s = from; s <= to; ++s) out.push_back(s);
  return out;
}

}  // namespace

TEST_CASE("replay then live: stored events - then buffered ones above them - nothing twice") {
  RunStreams streams(100, 10);
  const auto gen = streams.begin_replay("r", 0);
  REQUIRE(gen);
  // Live events 4..6 arrive while the log is being read; the log has 1..5 (4 and 5
  // were delivered between the subscription and the flush: they are in both).
  for (auto s : {4, 5, 6}) CHECK(streams.on_live(ev("r", s)).empty());
  auto outcome = streams.on_page("r", *gen, range("r", 1, 5), false);
  CHECK(seqs(outcome.to_send) == iota(1, 6));
  CHECK_FALSE(outcome.read_more);
  CHECK_FALSE(streams.replaying("r"));
  // Live from now on; a duplicate is dropped.
  CHECK(seqs(streams.on_live(ev("r", 7))) == std::vector<std::uint64_t>{7});
  CHECK(streams.on_live(ev("r", 6)).empty());
  CHECK(streams.on_live(ev("r", 7)).empty());
  CHECK(streams.cursor("r") == 7);
}

TEST_CASE("replay starts after `after` and pages until the log is exhausted") {
  RunStreams streams(100, 10);
  const auto gen = *streams.begin_replay("r", 3);
  auto first = streams.on_page("r", gen, range("r", 4, 8), true);
  CHECK(seqs(first.to_send) == iota(4, 8));
  CHECK(first.read_more);
  CHECK(streams.cursor("r") == 8);
  auto second = streams.on_page("r", gen, range("r", 9, 10), false);
  CHECK(seqs(second.to_send) == iota(9, 10));
  CHECK_FALSE(second.read_more);
}

TEST_CASE("a buffer overflow during replay is recovered by reading the log again") {
  RunStreams streams(3, 10);
  const auto gen = *streams.begin_replay("r", 0);
  for (std::uint64_t s = 3; s <= 10; ++s) streams.on_live(ev("r", s));  // overflows at the 4th
  auto first = streams.on_page("r", gen, range("r", 1, 2), false);
  CHECK(seqs(first.to_send) == iota(1, 2));
  CHECK(first.read_more);  // the buffer lost events: the log has them
  streams.on_live(ev("r", 11));
  auto second = streams.on_page("r", gen, range("r", 3, 10), false);
  CHECK(seqs(second.to_send) == iota(3, 11));
  CHECK_FALSE(second.read_more);
}

TEST_CASE("a terminal event ends the stream - its duplicates do not restart it") {
  RunStreams streams(100, 10);
  CHECK(seqs(streams.on_live(ev("r", 1))) == std::vector<std::uint64_t>{1});
  CHECK(seqs(streams.on_live(ev("r", 2, "agent_completed"))) == std::vector<std::uint64_t>{2});
  CHECK_FALSE(streams.streaming("r"));
  CHECK(streams.on_live(ev("r", 2, "agent_completed")).empty());
  CHECK(streams.on_live(ev("r", 1)).empty());
  CHECK(streams.size() == 0);
  // An explicit subscribe replays it again.
  const auto gen = *streams.begin_replay("r", 0);
  std::vector<EventPtr> log{ev("r", 1), ev("r", 2, "agent_completed")};
  auto outcome = streams.on_page("r", gen, log, false);
  CHECK(seqs(outcome.to_send) == iota(1, 2));
  CHECK_FALSE(streams.streaming("r"));
}

TEST_CASE("a terminal event in a page ends the replay") {
  RunStreams streams(100, 10);
  const auto gen = *streams.begin_replay("r", 0);
  std::vector<EventPtr> log{ev("r", 1), ev("r", 2, "agent_death")};
  auto outcome = streams.on_page("r", gen, log, true);
  CHECK(seqs(outcome.to_send) == iota(1, 2));
  CHECK_FALSE(outcome.read_more);
  CHECK_FALSE(streams.streaming("r"));
}

TEST_CASE("pages of an earlier replay of the same run are ignored") {
  RunStreams streams(100, 10);
  const auto old_gen = *streams.begin_replay("r", 5);
  const auto new_gen = *streams.begin_replay("r", 0);
  CHECK_FALSE(streams.current_replay("r", old_gen));
  auto stale = streams.on_page("r", old_gen, range("r", 6, 7), false);
  CHECK(stale.to_send.empty());
  CHECK_FALSE(stale.read_more);
  auto fresh = streams.on_page("r", new_gen, range("r", 1, 7), false);
  CHECK(seqs(fresh.to_send) == iota(1, 7));
}

TEST_CASE("events of runs not subscribed start a live stream (runs the connection started)") {
  RunStreams streams(100, 1);
  CHECK(seqs(streams.on_live(ev("a", 1))) == std::vector<std::uint64_t>{1});
  CHECK(seqs(streams.on_live(ev("b", 1))) == std::vector<std::uint64_t>{1});
  // The cap applies to subscriptions.
  CHECK_FALSE(streams.begin_replay("c", 0));
  CHECK(streams.begin_replay("a", 0));  // already streamed: allowed
}

TEST_CASE("runs stream independently") {
  RunStreams streams(100, 10);
  const auto gen = *streams.begin_replay("a", 0);
  CHECK(seqs(streams.on_live(ev("b", 1))) == std::vector<std::uint64_t>{1});
  CHECK(streams.on_live(ev("a", 1)).empty());
  CHECK(seqs(streams.on_page("a", gen, range("a", 1, 1), false).to_send) == iota(1, 1));
  CHECK(seqs(streams.on_live(ev("b", 2))) == std::vector<std::uint64_t>{2});
  CHECK(seqs(streams.on_live(ev("a", 2))) == std::vector<std::uint64_t>{2});
}

TEST_CASE("replay_from rewinds a live run - mark_gap makes a replay read the log again") {
  RunStreams streams(100, 1);
  for (std::uint64_t s = 1; s <= 5; ++s) streams.on_live(ev("r", s));
  // Events 4 and 5 could not be queued: replay from 3, whatever the cap.
  streams.begin_replay("x", 0);
  const auto gen = streams.replay_from("r", 3);
  CHECK(streams.cursor("r") == 3);
  CHECK(streams.on_live(ev("r", 6)).empty());
  CHECK(streams.mark_gap("r"));  // 7 and 8 were dropped before they arrived
  streams.on_live(ev("r", 9));
  auto first = streams.on_page("r", gen, range("r", 4, 6), false);
  CHECK(seqs(first.to_send) == iota(4, 6));
  CHECK(first.read_more);
  auto second = streams.on_page("r", gen, range("r", 7, 9), false);
  CHECK(seqs(second.to_send) == iota(7, 9));
  CHECK_FALSE(second.read_more);
  CHECK_FALSE(streams.mark_gap("r"));  // live again
}

TEST_CASE("replay_from brings back a run whose terminal event could not be queued") {
  RunStreams streams(100, 10);
  streams.on_live(ev("r", 1));
  streams.on_live(ev("r", 2, "agent_completed"));
  CHECK(streams.ended("r"));
  const auto gen = streams.replay_from("r", 1);
  CHECK_FALSE(streams.ended("r"));
  std::vector<EventPtr> log{ev("r", 2, "agent_completed")};
  CHECK(seqs(streams.on_page("r", gen, log, false).to_send) == iota(2, 2));
  CHECK(streams.ended("r"));
}
