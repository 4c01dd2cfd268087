#pragma once

#include <string>
#include <string_view>

#include "config/schema.hpp"

namespace agenthost::config {

enum class LogFormat { text, json };

/// Section `logging`.
struct LoggingSettings {
  std::string level = "info";  ///< trace debug info warn error critical off
  LogFormat format = LogFormat::text;
};

/// Keys of section `logging`.
const ObjectSchema<LoggingSettings>& logging_schema();

/// "text" / "json".
std::string_view to_string(LogFormat value);

}  // namespace agenthost::config
