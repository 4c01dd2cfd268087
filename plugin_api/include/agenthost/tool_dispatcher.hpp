#pragma once
/// \file
/// Tools: functions a plugin registers once (name, description, JSON input schema)
/// and any agent can call through its run's ToolDispatcher. The dispatcher emits
/// tool_executing and tool_completed around every call, to the run's user only.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "agenthost/execution_context.hpp"

namespace agenthost {

/// Thrown by ToolDispatcher::call for an unknown tool or input that does not match
/// the tool's schema; a tool's own exception is rethrown to the caller as ToolError
/// carrying its message.
class ToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A tool's implementation. Called on the calling agent's thread with that run's
/// context; must be safe to call from several runs at once (keep no mutable state).
using ToolHandler =
    std::function<boost::json::value(const ExecutionContext&, const boost::json::value& input)>;

struct ToolInfo {
  std::string name;  ///< unique across all plugins, [a-z0-9_.]
  std::string description;
  /// JSON Schema, draft 7 (every keyword; `format` checks date, time, date-time), local
  /// `$ref`s only. Checked when the plugin registers (a malformed schema refuses the
  /// plugin), checked against every call's input. See docs/plugin-guide.md.
  boost::json::object input_schema;
};

class ToolDispatcher {
 public:
  virtual ~ToolDispatcher() = default;

  /// Calls tool `name` with `input` for this run. Throws ToolError when the tool is
  /// unknown, the input does not fit its schema, or the tool throws; RunEnded after
  /// the run is over.
  virtual boost::json::value call(std::string_view name, const boost::json::value& input) = 0;

 protected:
  ToolDispatcher() = default;
  ToolDispatcher(const ToolDispatcher&) = delete;
  ToolDispatcher& operator=(const ToolDispatcher&) = delete;
};

}  // namespace agenthost
