#pragma once
/// \file
/// Process signals, handled synchronously: the main thread blocks SIGINT, SIGTERM and
/// SIGHUP before any other thread exists (so every thread inherits the mask), then
/// waits for them with sigwait. No async-signal-safety puzzles.

#include <chrono>
#include <optional>

namespace agenthost::daemon {

enum class Signal { terminate, reload };

/// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread. Call first in main().
void block_host_signals();

/// Waits for the next of those signals: SIGINT/SIGTERM -> terminate, SIGHUP -> reload.
Signal wait_for_signal();

/// As wait_for_signal, but gives up after `timeout` (nullopt).
std::optional<Signal> wait_for_signal(std::chrono::milliseconds timeout);

}  // namespace agenthost::daemon
