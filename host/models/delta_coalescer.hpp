#pragma once
/// \file
/// DeltaCoalescer: the text of a streamed answer turned into few enough events that
/// storage keeps up with thousands of streams: pieces are joined until 50 ms have
/// passed since the last event or 900 bytes are waiting (under the sanitiser's
/// 1000-byte string limit, so no event's text is ever cut). The first piece goes out
/// at once (the user sees the answer start without delay); a piece held back goes out
/// with the next one or at flush(). Concatenated in order, the events' texts are
/// exactly the pieces added.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::models {

class DeltaCoalescer {
 public:
  using Clock = std::chrono::steady_clock;

  /// `send` emits one event's text (called under the coalescer's lock, so events keep
  /// the order of the text).
  explicit DeltaCoalescer(std::function<void(std::string text)> send,
                          std::chrono::milliseconds interval = std::chrono::milliseconds(50),
                          std::size_t max_bytes = 900);

  /// Adds a piece of text; sends what is waiting when due. Thread-safe.
  void add(std::string_view text);
  /// Sends whatever is waiting. Thread-safe.
  void flush();

 private:
  void send_locked();

  std::function<void(std::string)> send_;
  const std::chrono::milliseconds interval_;
  const std::size_t max_bytes_;
  std::mutex mutex_;
  std::string pending_;
  // Unset until the first send: the first piece goes out at once (the clock's epoch
  // is the machine's boot, so a default time point is not "long ago").
  std::optional<Clock::time_point> last_sent_;
};

}  // namespace agenthost::models
