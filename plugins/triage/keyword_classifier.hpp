#pragma once
// The triage plugin's keyword classifier: plain functions, no host types, so the
// logic is easy to read and to test on its own.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace triage {

struct Category {
  std::string name;
  std::vector<std::string> keywords;  // lower case
};

/// The plugin's settings, parsed once at registration and then only read (tools are
/// called from many runs at once, so they must not change shared state).
struct ClassifierSettings {
  std::vector<Category> categories;          // in configuration order; ties go to the first
  std::string default_category = "general";  // when no keyword matches
};

/// Parses the plugin's configuration:
///   {"categories": {"billing": ["invoice", "refund"], ...}, "default_category": "general"}
/// Both keys are optional; null (no configuration) gives the built-in categories.
/// Throws std::invalid_argument naming the bad key, so the host refuses the plugin.
ClassifierSettings settings_from_config(const boost::json::value& config);

/// {"category": ..., "matched": [keywords found in `text`]}: the category with the
/// most keywords found in the text (case-insensitive substring match).
boost::json::object classify(const ClassifierSettings& settings, std::string_view text);

}  // namespace triage
