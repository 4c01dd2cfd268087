#include "config/logging_section.hpp"

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

constexpr std::array<EnumName<LogFormat>, 2> kLogFormatNames{{
    {"text", LogFormat::text},
    {"json", LogFormat::json},
}};

}  // namespace

const ObjectSchema<LoggingSettings>& logging_schema() {
  static const ObjectSchema<LoggingSettings> schema{
      "What the host logs and how.",
      {
          field("level", &LoggingSettings::level, "Lowest severity that is logged.",
                one_of({"trace", "debug", "info", "warn", "error", "critical", "off"}))
              .live(),
          enum_field("format", &LoggingSettings::format,
                     "Log line format: `text` for people, `json` for one object per line.",
                     kLogFormatNames)
              .live(),
      }};
  return schema;
}

std::string_view to_string(LogFormat value) { return enum_name(kLogFormatNames, value); }

}  // namespace agenthost::config
