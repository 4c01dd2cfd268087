#include "bare_run_frames.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "noop_run_shape.hpp"

namespace agenthost::bench::load {
namespace json = boost::json;

namespace {

// RFC 3339 with milliseconds, as the host stamps its events.
std::string timestamp() {
  using namespace std::chrono;
  const auto now = floor<milliseconds>(system_clock::now());
  const auto day = floor<days>(now);
  const year_month_day date{day};
  const hh_mm_ss clock{now - day};
  char text[40];
  const int n = std::snprintf(
      text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return std::string(text, static_cast<std::size_t>(n));
}

std::string event(std::string_view type, std::string_view run_id, std::string_view thread_id,
                  std::int64_t seq, const std::string& time, json::object payload) {
  json::object envelope;
  envelope.reserve(7);
  envelope["type"] = type;
  envelope["run_id"] = run_id;
  envelope["thread_id"] = thread_id;
  envelope["agent_name"] = kAgentName;
  envelope["seq"] = seq;
  envelope["timestamp"] = time;
  envelope["payload"] = std::move(payload);
  return json::serialize(envelope);
}

}  // namespace

std::string BareRunFrames::next_id() {
  char id[33];
  std::snprintf(id, sizeof(id), "%08" PRIx32 "%024" PRIx64, prefix_, ++counter_);
  return std::string(id, 32);
}

std::vector<std::string> BareRunFrames::answer(std::string_view request_id, int agent_events) {
  const auto run_id = next_id();
  const auto thread_id = next_id();
  const auto time = timestamp();
  std::vector<std::string> frames;
  frames.reserve(static_cast<std::size_t>(agent_events) + 3);
  frames.push_back(json::serialize(json::object{{"type", "run_accepted"},
                                                {"request_id", request_id},
                                                {"run_id", run_id},
                                                {"thread_id", thread_id}}));
  std::int64_t seq = 0;
  frames.push_back(
      event("agent_started", run_id, thread_id, ++seq, time,
            {{"status", "started"}, {"metadata", json::object{}}, {"message", "Agent started"}}));
  for (int i = 0; i < agent_events; ++i)
    frames.push_back(event("agent_thinking", run_id, thread_id, ++seq, time,
                           {{"thought", kThought}, {"step", i}}));
  frames.push_back(event("agent_completed", run_id, thread_id, ++seq, time,
                         {{"success", true},
                          {"result", json::object{{"events", agent_events}}},
                          {"message", "Agent completed"}}));
  return frames;
}

}  // namespace agenthost::bench::load
