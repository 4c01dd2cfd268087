#pragma once
// RunStreamChecker: checks every frame one load connection receives against the
// protocol's guarantees (docs/protocol.md) for the runs that connection started. A
// single frame that breaks one throws StreamViolation and fails the benchmark.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace agenthost::bench::load {

using Clock = std::chrono::steady_clock;

/// A frame that a correct host never sends: an event of a run this connection did not
/// start (another user's, or an unknown one), a seq gap or repeat, an event after the
/// terminal one, an answer out of order, a frame that is not the protocol's JSON.
class StreamViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What one received frame meant for the connection that received it.
struct FrameOutcome {
  enum class Kind {
    accepted,    ///< run_accepted for one of our start_run frames
    started,     ///< agent_started of one of our runs: the agent is running (or waiting)
    event,       ///< another non-terminal event of one of our runs
    completed,   ///< the run's terminal agent_completed: `latency` is start -> now
    run_failed,  ///< the run ended with agent_error or agent_death (counted as an error)
    refused,     ///< an error frame answering one of our start_run frames
    other,       ///< pong and the like
  };
  Kind kind = Kind::other;
  Clock::duration latency{};
  std::string detail;  ///< for run_failed and refused: the code or event type
};

class RunStreamChecker {
 public:
  /// `agent_events`: the agent_thinking events each run asks for; a completed run
  /// therefore has agent_events + 2 events (agent_started, ..., agent_completed).
  RunStreamChecker(std::string connection_name, int agent_events);

  /// A start_run frame with `request_id` is being sent; its run's latency counts from
  /// `started` (in open-loop mode the scheduled time, not the send time).
  void sent(std::string request_id, Clock::time_point started);

  /// Checks one text frame; throws StreamViolation when the host broke the protocol.
  FrameOutcome check(std::string_view frame, Clock::time_point now);

  /// start_run frames sent whose run has not ended (or been refused) yet.
  std::size_t in_flight() const { return pending_.size() + runs_.size(); }

 private:
  struct Pending {
    std::string request_id;
    Clock::time_point started;
  };
  struct Run {
    std::string thread_id;
    Clock::time_point started;
    std::int64_t next_seq = 1;
  };

  FrameOutcome accept(const boost::json::object& frame);
  FrameOutcome refuse(const boost::json::object& frame);
  FrameOutcome event(const boost::json::object& frame, std::string_view type,
                     Clock::time_point now);
  [[noreturn]] void fail(std::string_view frame, const std::string& why) const;

  std::string name_;
  std::int64_t terminal_seq_;
  std::deque<Pending> pending_;  // the host answers frames in order
  std::unordered_map<std::string, Run> runs_;
  std::unordered_set<std::string> ended_;  // run ids whose terminal event was seen
  boost::json::parser parser_;
  unsigned char parse_buffer_[4096];
};

}  // namespace agenthost::bench::load
