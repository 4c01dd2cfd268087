#pragma once
/// \file
/// How agentctl shows a run's events to a person: one line per event (time, seq,
/// type, a short summary of the payload) and, after the run's last event, its result
/// or error. Pure functions over the event envelope of docs/protocol.md.

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "agentctl/command_error.hpp"

namespace agenthost::agentctl {

/// Longest payload summary on an event line, in bytes (longer ones end in "...").
inline constexpr std::size_t kSummaryBytes = 120;

/// agent_completed, agent_error, agent_death: the event that ends a run.
bool is_terminal_event(std::string_view type) noexcept;

/// ok for agent_completed, failed for agent_error, agent_death and anything else.
ExitCode exit_code_for(std::string_view terminal_type) noexcept;

/// "06:20:47.125  #3   tool_executing   lookup {"q":"x"}": the time of day (UTC) of
/// the timestamp, the seq, the type and summarize_payload(). Never throws for missing
/// or mistyped fields; shows what is there.
std::string format_event_line(const boost::json::object& event);

/// One line about the payload, at most kSummaryBytes: the thought, the progress, the
/// tool and its input or result, the error or death cause, else the payload's
/// "message" or the payload as compact JSON. Control characters become spaces.
std::string summarize_payload(std::string_view type, const boost::json::object& payload);

/// What the run came to, from its terminal event: "result: {...}" (the whole result as
/// compact JSON), "failed: error_type: message", or "died (cause): message; next:
/// recovery action".
std::string format_outcome(const boost::json::object& terminal_event);

/// "run R accepted (agent A, thread T)" for a run_accepted frame of `agent`.
std::string format_accepted(const boost::json::object& frame, std::string_view agent);

/// `text` on one line and at most `limit` bytes (cut on a UTF-8 boundary, "..." added).
std::string one_line(std::string_view text, std::size_t limit);

}  // namespace agenthost::agentctl
