#pragma once
/// \file
/// RecordingToolDispatcher: the host's own per-run tool dispatcher (registry lookup,
/// input checked against the tool's input_schema, tool_executing and tool_completed
/// emitted to the run) with every call recorded for the test.

#include <agenthost/execution_context.hpp>
#include <agenthost/tool_dispatcher.hpp>

#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agenthost/testing/recording_emitter.hpp"
#include "agenthost/testing/test_registry.hpp"

namespace agenthost::testing {

/// One call an agent made through its ToolDispatcher.
struct ToolCallRecord {
  std::string name;
  boost::json::value input;
  bool success = false;
  boost::json::value output;  ///< the tool's result when success
  std::string error;          ///< the ToolError message otherwise
};

class RecordingToolDispatcher final : public agenthost::ToolDispatcher {
 public:
  /// `registry` (its tools), `context` and `emitter` must outlive the dispatcher.
  /// Freezes `registry`.
  RecordingToolDispatcher(TestRegistry& registry, const agenthost::ExecutionContext& context,
                          RecordingEmitter& emitter);
  ~RecordingToolDispatcher() override;

  /// As the host's: throws agenthost::ToolError for an unknown tool or input that does
  /// not fit the tool's schema (no event then), or when the tool throws (after
  /// tool_completed {success: false}); agenthost::RunEnded after end(). Thread-safe.
  boost::json::value call(std::string_view name, const boost::json::value& input) override;

  /// Refuses later calls with RunEnded and waits for calls in progress. Idempotent.
  void end();

  /// Every call so far (calls refused with RunEnded excepted), in the order they ended.
  std::vector<ToolCallRecord> calls() const;

  /// Called with the tool's name after each call has emitted tool_completed, on the
  /// agent's thread, before call() returns or throws to the agent.
  void on_tool_completed(std::function<void(std::string_view tool)> observer);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agenthost::testing
