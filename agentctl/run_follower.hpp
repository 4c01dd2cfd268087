#pragma once
/// \file
/// RunFollower: shows one run's events as they happen, over a WebSocket, until the
/// run's terminal event. When the connection breaks it reconnects and subscribes
/// with the last seq it showed, so nothing is lost or shown twice (docs/protocol.md,
/// "Resuming a stream"). Single-threaded; writes only to the given streams.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "agentctl/command_error.hpp"
#include "agentctl/frame_connection.hpp"

namespace agenthost::agentctl {

/// Opens a new connection; throws CommandError as open_event_socket() does.
using ConnectFunction = std::function<std::unique_ptr<FrameConnection>()>;

struct FollowSettings {
  bool json = false;  ///< print raw frames (one JSON per line) instead of event lines
  /// Reconnects tried without any new event in between before giving up.
  int max_reconnects = 5;
  /// Called before reconnect attempt `attempt` (1, 2, ...); the default sleeps a
  /// little longer each time. Tests pass a no-op.
  std::function<void(int attempt)> pause_before_reconnect;
  /// Answers the run's questions: called with an input_required event's payload; the
  /// answer it returns is sent (resume_run); nullopt (no input left) ends the command
  /// with CommandError(waiting), the run waiting on. Empty: questions are only shown.
  std::function<std::optional<boost::json::value>(const boost::json::object& question)>
      answer_question = {};
};

class RunFollower {
 public:
  /// Events and outcomes go to `out`; reconnect notices to `err`.
  RunFollower(ConnectFunction connect, std::ostream& out, std::ostream& err,
              FollowSettings settings);

  /// Sends `start_run` (a start_run frame with a request_id) on a new connection,
  /// then shows the run. Returns the exit code of its terminal event. Throws
  /// CommandError: failed when the host refuses the frame (unknown agent, 429, ...),
  /// unreachable when the connection breaks before the run is accepted or cannot be
  /// resumed, interrupted on a signal.
  ExitCode start(const boost::json::object& start_run, std::string_view agent);

  /// Subscribes to `run_id` with `after` and shows its events until the terminal one.
  /// Throws as start() (failed: not_found).
  ExitCode follow(const std::string& run_id, std::uint64_t after);

 private:
  ExitCode stream(std::unique_ptr<FrameConnection> connection);
  std::unique_ptr<FrameConnection> resume(const std::string& why);
  void subscribe(FrameConnection& connection);
  /// Asks answer_question and sends its answer for `question` (an input_required
  /// payload) on `connection`.
  void answer(const boost::json::object& question, FrameConnection& connection);
  /// An error frame about our answer: asks again when the answer did not fit.
  void on_answer_refused(const boost::json::object& error, FrameConnection& connection);
  std::string next_request_id(std::string_view kind);
  [[noreturn]] void interrupted() const;

  ConnectFunction connect_;
  std::ostream& out_;
  std::ostream& err_;
  FollowSettings settings_;
  std::string run_id_;
  std::uint64_t last_seq_ = 0;
  int requests_ = 0;
  int failed_resumes_ = 0;  ///< reconnects since the last new event
  /// The question answered last and the resume_run frame sent for it, until its
  /// input_received arrives: sent again after a reconnect (it may have been lost).
  std::optional<boost::json::object> question_;
  std::string answer_request_id_;
  std::string answer_frame_;
};

}  // namespace agenthost::agentctl
