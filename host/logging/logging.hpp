#pragma once
/// \file
/// The host's logging set-up: one spdlog logger writing to stderr (journald collects
/// it under systemd), as text or as one JSON object per line.

#include <string>
#include <string_view>

namespace agenthost::logging {

enum class Format { text, json };

struct LogOptions {
  std::string level = "info";  ///< trace, debug, info, warn, error, critical or off
  Format format = Format::text;
};

/// Makes the stderr logger the spdlog default. Throws std::invalid_argument for an
/// unknown level. Safe to call again (SIGHUP reload): later calls only swap level
/// and format.
void configure(const LogOptions& options);

/// True when `level` is one of the names configure() accepts.
bool is_valid_level(std::string_view level);

}  // namespace agenthost::logging
