#pragma once
/// \file
/// RunResult: everything a test may assert on after a run: how it ended (the host's
/// run status), the agent's result or error, the events in seq order, the tool calls,
/// whether the run's transaction was committed, and how fast a stopped agent returned.

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "agenthost/testing/recording_emitter.hpp"
#include "agenthost/testing/recording_tool_dispatcher.hpp"

namespace agenthost::testing {

struct RunResult {
  std::string run_id;
  /// The host's final run status: "completed", "failed" (the agent threw, its factory
  /// failed, or the commit failed), "cancelled" or "timed_out".
  std::string status;
  /// What run() returned; null unless completed.
  boost::json::value result;
  /// Unless completed: "agent_error" (plugin code threw), "database_error" (the commit
  /// failed), "cancelled" or "timeout".
  std::string error_type;
  /// Unless completed: the message of the terminal event, sanitised as clients see it.
  std::string error_message;
  /// Every event of the run in seq order, agent_started (when the agent was created)
  /// first and exactly one terminal event last.
  std::vector<RecordedEvent> events;
  /// Every tool call the agent made, in order.
  std::vector<ToolCallRecord> tool_calls;
  /// Every checkpoint the agent saved (context().checkpoint), oldest first.
  std::vector<boost::json::value> checkpoints;
  /// True when the run's transaction was committed (only when completed).
  bool committed = false;
  /// From the first stop request (cancel or timeout) to run() returning; empty when
  /// the run was not stopped while its agent ran.
  std::optional<std::chrono::milliseconds> stop_latency;

  bool completed() const noexcept { return status == "completed"; }
  /// The types of `events`, in order.
  std::vector<std::string> event_types() const;
  /// The events of one type, in order.
  std::vector<RecordedEvent> events_of(std::string_view type) const;
  /// The one event of `type`. Throws std::logic_error (listing the run's event types)
  /// when there is none or more than one.
  const RecordedEvent& event(std::string_view type) const;
  /// The run's last event: agent_completed, agent_error or agent_death.
  const RecordedEvent& terminal_event() const;
  /// The tool calls to one tool, in order.
  std::vector<ToolCallRecord> calls_to(std::string_view tool) const;
  /// Several lines: status, error, event types, tool calls. For failure messages
  /// (Catch2: INFO(result.describe())).
  std::string describe() const;
};

std::ostream& operator<<(std::ostream& out, const RunResult& result);

}  // namespace agenthost::testing
