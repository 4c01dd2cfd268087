#include "events/event.hpp"

#include <boost/json/value.hpp>

#include <array>
#include <cstdio>

namespace agenthost::events {

bool is_valid_event_type(std::string_view type) noexcept {
  if (type.empty() || type.size() > kMaxEventTypeLength) return false;
  if (type.front() < 'a' || type.front() > 'z') return false;
  for (char c : type) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool is_terminal_event_type(std::string_view type) noexcept {
  return type == "agent_completed" || type == "agent_error" || type == "agent_death";
}

boost::json::object to_envelope(const Event& event) {
  boost::json::object envelope;
  envelope.reserve(7);
  envelope["type"] = event.type;
  envelope["run_id"] = event.run_id;
  envelope["thread_id"] = event.thread_id;
  envelope["agent_name"] = event.agent_name;
  envelope["seq"] = event.seq;
  envelope["timestamp"] = format_rfc3339(event.timestamp);
  envelope["payload"] = event.payload;
  return envelope;
}

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(time);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss clock{ms - day};
  std::array<char, 40> text{};
  const int n = std::snprintf(
      text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
      static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
      static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()),
      static_cast<int>(clock.subseconds().count()));
  return std::string(text.data(), static_cast<std::size_t>(n));
}

}  // namespace agenthost::events
