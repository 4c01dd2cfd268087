#pragma once
/// \file
/// RunControl: how a run is stopped, and why. Created when the run is submitted, so
/// the token the agent will poll exists before anything can cancel the run: a cancel
/// that arrives while the run is still queued is never lost (ag-ui #2759).

#include <atomic>
#include <optional>
#include <stop_token>
#include <string_view>

#include "events/host_events.hpp"

namespace agenthost::execution {

/// Shared by the engine (cancel, interrupt, shutdown), the timeout timer and the
/// run's scope; every method is thread-safe.
class RunControl {
 public:
  /// Records `cause` and triggers the run's stop token. The first cause wins: a
  /// timeout after a cancel leaves the run cancelled. Returns true when this call
  /// stopped the run, false when it had already been stopped.
  bool request_stop(events::DeathCause cause) noexcept;

  /// Why the run was stopped, or nullopt while nobody asked it to stop.
  std::optional<events::DeathCause> stop_cause() const noexcept;

  /// The token handed to the run's context (ExecutionContext::stop_token()).
  std::stop_token token() const noexcept { return source_.get_token(); }

 private:
  static constexpr int kNoCause = -1;
  std::stop_source source_;
  std::atomic<int> cause_{kNoCause};
};

/// The run status a death cause ends a run with: timeout -> timed_out, cancelled ->
/// cancelled, interrupted and shutdown -> interrupted (ended by the host rather than
/// by the user or the agent; resubmitting is the remedy).
std::string_view status_for(events::DeathCause cause) noexcept;

}  // namespace agenthost::execution
