#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>

#include "events/event.hpp"

namespace ev = agenthost::events;
using namespace std::chrono;

namespace {

ev::Event sample_event() {
  ev::Event e;
  e.type = "agent_thinking";
  e.user_id = "user-secret-identity";
  e.run_id = "run-42";
  e.thread_id = "thread-7";
  e.agent_name = "echo";
  e.seq = 3;
  e.timestamp =
      sys_days{year{2026} / 11 / 26} + hours{6} + minutes{20} + seconds{47} + milliseconds{123};
  e.payload = {{"thought", "hmm"}, {"step", 2}};
  return e;
}

}  // namespace

TEST_CASE("to_envelope has exactly the client fields and never the user id", "[envelope]") {
  const ev::Event e = sample_event();
  const boost::json::object envelope = ev::to_envelope(e);

  CHECK(envelope.size() == 7);
  CHECK(envelope.at("type") == "agent_thinking");
  CHECK(envelope.at("run_id") == "run-42");
  CHECK(envelope.at("thread_id") == "thread-7");
  CHECK(envelope.at("agent_name") == "echo");
  CHECK(envelope.at("seq").to_number<std::uint64_t>() == 3);
  CHECK(envelope.at("timestamp") == "2026-11-26T06:20:47.123Z");
  CHECK(envelope.at("payload") == boost::json::object{{"thought", "hmm"}, {"step", 2}});
  CHECK_FALSE(envelope.contains("user_id"));
  CHECK(boost::json::serialize(envelope).find("user-secret-identity") == std::string::npos);
}

TEST_CASE("format_rfc3339 writes UTC with milliseconds", "[envelope]") {
  CHECK(ev::format_rfc3339(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(ev::format_rfc3339(sample_event().timestamp) == "2026-11-26T06:20:47.123Z");

  // Leap day, last millisecond of the day; sub-millisecond parts are cut, not rounded.
  const auto leap =
      sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59} + microseconds{999'999};
  CHECK(ev::format_rfc3339(time_point_cast<system_clock::duration>(leap)) ==
        "2024-02-29T23:59:59.999Z");

  const auto now = ev::format_rfc3339(system_clock::now());
  CHECK(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
}

TEST_CASE("event types must match [a-z][a-z0-9_.]{0,63}", "[envelope]") {
  CHECK(ev::is_valid_event_type("agent_thinking"));
  CHECK(ev::is_valid_event_type("myplugin.step_done2"));
  CHECK(ev::is_valid_event_type("a"));
  CHECK(ev::is_valid_event_type(std::string(64, 'a')));

  CHECK_FALSE(ev::is_valid_event_type(""));
  CHECK_FALSE(ev::is_valid_event_type(std::string(65, 'a')));
  CHECK_FALSE(ev::is_valid_event_type("Agent_thinking"));
  CHECK_FALSE(ev::is_valid_event_type("1step"));
  CHECK_FALSE(ev::is_valid_event_type("_step"));
  CHECK_FALSE(ev::is_valid_event_type("step-done"));
  CHECK_FALSE(ev::is_valid_event_type("step done"));
  CHECK_FALSE(ev::is_valid_event_type(std::string("step\0x", 6)));
}

TEST_CASE("exactly three types end a run", "[envelope]") {
  CHECK(ev::is_terminal_event_type("agent_completed"));
  CHECK(ev::is_terminal_event_type("agent_error"));
  CHECK(ev::is_terminal_event_type("agent_death"));
  CHECK_FALSE(ev::is_terminal_event_type("agent_started"));
  CHECK_FALSE(ev::is_terminal_event_type("tool_completed"));
  CHECK_FALSE(ev::is_terminal_event_type("agent_thinking"));
}
