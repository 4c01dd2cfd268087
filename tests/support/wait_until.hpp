#pragma once
/// \file
/// Waiting for a state in tests: poll a condition until it holds or a deadline
/// passes, never a fixed sleep standing in for the state.

#include <chrono>
#include <functional>
#include <thread>

namespace agenthost::testing {

/// Checks `done` every `poll` until it is true (returns true) or `deadline` passed
/// (returns false).
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds deadline = std::chrono::seconds(30),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(5)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace agenthost::testing
