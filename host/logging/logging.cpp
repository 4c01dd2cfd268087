#include "logging/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <stdexcept>

#include "logging/json_formatter.hpp"

namespace agenthost::logging {

namespace {

constexpr std::array<std::string_view, 7> kLevels = {"trace", "debug",    "info", "warn",
                                                     "error", "critical", "off"};

std::unique_ptr<spdlog::formatter> make_formatter(Format format) {
  if (format == Format::json) return std::make_unique<JsonFormatter>();
  // UTC, millisecond timestamps: lines from several hosts sort together.
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                                                     spdlog::pattern_time_type::utc);
}

}  // namespace

bool is_valid_level(std::string_view level) {
  for (auto l : kLevels)
    if (l == level) return true;
  return false;
}

void configure(const LogOptions& options) {
  if (!is_valid_level(options.level))
    throw std::invalid_argument("unknown log level '" + options.level +
                                "' (use trace, debug, info, warn, error, critical or off)");
  static const auto logger = [] {
    auto l = std::make_shared<spdlog::logger>("agenthost",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::set_default_logger(l);
    return l;
  }();
  logger->set_formatter(make_formatter(options.format));
  logger->set_level(spdlog::level::from_str(options.level));
  logger->flush_on(spdlog::level::warn);
}

}  // namespace agenthost::logging
