#pragma once
/// \file
/// SseParser: server-sent events (text/event-stream) read incrementally, as bytes
/// arrive in chunks of any size. Only what chat-completions streams use: `data:`
/// lines (several joined by "\n"), comments (":") and other fields ignored, an event
/// ended by a blank line; CR, LF and CRLF line ends.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace agenthost::models {

class SseParser {
 public:
  /// `on_data` gets each event's data (events without data are skipped). Lines longer
  /// than `max_line` bytes make feed() throw std::runtime_error.
  explicit SseParser(std::function<void(std::string_view data)> on_data,
                     std::size_t max_line = std::size_t{1} << 20);

  /// Parses `bytes`; calls on_data for every event they complete.
  void feed(std::string_view bytes);

 private:
  void line_complete();

  std::function<void(std::string_view)> on_data_;
  const std::size_t max_line_;
  std::string line_;
  std::string data_;
  bool has_data_ = false;
  bool after_cr_ = false;
};

}  // namespace agenthost::models
