#pragma once
/// \file
/// CompletionAssembler: one chat-completions answer put together from what the
/// endpoint sends: the `data` of each server-sent event of a stream
/// (chat.completion.chunk objects, then "[DONE]"), or one whole chat.completion body.
/// Text deltas go to the TextSink as they arrive; tool calls are joined by index.

#include <map>
#include <string>
#include <string_view>

#include "models/chat_transport.hpp"

namespace agenthost::models {

class CompletionAssembler {
 public:
  explicit CompletionAssembler(TextSink on_text);

  /// One event's data. Throws agenthost::ModelError (bad_response) when it is not a
  /// chunk object (the message says what was wrong).
  void add_event(std::string_view data);
  /// A whole non-streamed chat.completion body. Throws as add_event.
  void add_body(std::string_view body);

  /// True once "[DONE]" was seen (a stream's end).
  bool done() const noexcept { return done_; }
  /// The finish reason seen so far ("" before the last chunk).
  const std::string& finish_reason() const noexcept { return completion_.finish_reason; }
  /// The answer so far; call once, at the end.
  Completion take();

 private:
  void add_choice_delta(const boost::json::object& delta);

  TextSink on_text_;
  Completion completion_;
  std::map<std::uint64_t, boost::json::object> calls_;  // by index
  bool done_ = false;
};

}  // namespace agenthost::models
