#include "agenthost/testing/run_result.hpp"

#include <boost/json/serialize.hpp>

#include <sstream>
#include <stdexcept>

namespace agenthost::testing {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<std::string> RunResult::event_types() const {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

std::vector<RecordedEvent> RunResult::events_of(std::string_view type) const {
  std::vector<RecordedEvent> out;
  for (const auto& e : events)
    if (e.type == type) out.push_back(e);
  return out;
}

const RecordedEvent& RunResult::event(std::string_view type) const {
  const RecordedEvent* found = nullptr;
  for (const auto& e : events) {
    if (e.type != type) continue;
    if (found)
      throw std::logic_error("run " + run_id + " has more than one \"" + std::string(type) +
                             "\" event (events: " + joined(event_types()) + "); use events_of()");
    found = &e;
  }
  if (!found)
    throw std::logic_error("run " + run_id + " has no \"" + std::string(type) +
                           "\" event (events: " + joined(event_types()) + ")");
  return *found;
}

const RecordedEvent& RunResult::terminal_event() const {
  if (events.empty()) throw std::logic_error("run " + run_id + " recorded no event");
  return events.back();
}

std::vector<ToolCallRecord> RunResult::calls_to(std::string_view tool) const {
  std::vector<ToolCallRecord> out;
  for (const auto& c : tool_calls)
    if (c.name == tool) out.push_back(c);
  return out;
}

std::string RunResult::describe() const {
  std::ostringstream out;
  out << "run " << run_id << ": " << status;
  if (completed())
    out << ", result " << boost::json::serialize(result);
  else
    out << " (" << error_type << ": " << error_message << ")";
  out << "\n  committed: " << (committed ? "yes" : "no");
  if (stop_latency) out << ", returned " << stop_latency->count() << " ms after the stop request";
  out << "\n  events:";
  for (const auto& e : events)
    out << "\n    " << e.seq << " " << e.type << " " << boost::json::serialize(e.payload);
  out << "\n  tool calls:";
  if (tool_calls.empty()) out << " none";
  for (const auto& c : tool_calls)
    out << "\n    " << c.name << " " << boost::json::serialize(c.input) << " -> "
        << (c.success ? boost::json::serialize(c.output) : "error: " + c.error);
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const RunResult& result) {
  return out << result.describe();
}

}  // namespace agenthost::testing
