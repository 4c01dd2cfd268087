// sanitize_payload: one recursive walk that moves every kept value from the input to
// the output, applying the rules listed in sanitizer.hpp.

#include "events/sanitizer.hpp"

#include "text/ascii.hpp"
#include "text/utf8.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace agenthost::events {
namespace json = boost::json;
namespace {

constexpr std::array<std::string_view, 4> kDroppedKeys = {"_internal", "debug_info",
                                                          "system_context", "raw_response"};

bool is_dropped_key(std::string_view key) {
  return std::any_of(kDroppedKeys.begin(), kDroppedKeys.end(),
                     [&](std::string_view dropped) { return text::iequals(key, dropped); });
}

class PayloadSanitizer {
 public:
  explicit PayloadSanitizer(const SanitizerLimits& limits)
      : limits_(limits), budget_(limits.max_values) {}

  // `depth` is the depth of the members of `in` (1 for the payload's own members).
  json::object object(json::object in, std::size_t depth) {
    json::object out;
    std::size_t kept = 0;
    std::size_t omitted = 0;
    for (auto& member : in) {
      const std::string_view key = member.key();
      if (is_dropped_key(key)) continue;
      if (kept == limits_.max_members || !take()) {
        ++omitted;
        continue;
      }
      ++kept;
      json::value& value = member.value();
      const KeyKind kind = classify_key(key);
      const bool count = value.is_number() || value.is_bool();
      json::value clean;
      if (kind == KeyKind::secret || (kind == KeyKind::token && !count)) {
        clean = kRedacted;
      } else if (key == "error_message" && value.is_string()) {
        clean = sanitize_error_message(value.get_string(), limits_.max_error_message);
      } else {
        clean = this->value(std::move(value), depth);
      }
      if (key.size() > limits_.max_key)
        out[truncate_utf8(key, limits_.max_key)] = std::move(clean);
      else
        out[key] = std::move(clean);
    }
    if (omitted > 0) out[kTruncatedMarker] = omitted;
    return out;
  }

 private:
  json::value value(json::value in, std::size_t depth) {
    if (depth > limits_.max_depth) return json::value(kTooDeepMarker);
    switch (in.kind()) {
      case json::kind::string:
        if (in.get_string().size() > limits_.max_string)
          return json::value(truncate_utf8(in.get_string(), limits_.max_string));
        return in;
      case json::kind::array:
        return array(std::move(in.get_array()), depth + 1);
      case json::kind::object:
        return object(std::move(in.get_object()), depth + 1);
      default:
        return in;
    }
  }

  json::array array(json::array in, std::size_t depth) {
    json::array out;
    out.reserve(std::min(in.size(), limits_.max_list) + 1);
    bool cut = false;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (i == limits_.max_list || !take()) {
        cut = true;
        break;
      }
      out.push_back(value(std::move(in[i]), depth));
    }
    if (cut) out.push_back(json::value(kTruncatedMarker));
    return out;
  }

  // Counts one more kept value against max_values; false once the budget is spent.
  bool take() {
    if (budget_ == 0) return false;
    --budget_;
    return true;
  }

  const SanitizerLimits& limits_;
  std::size_t budget_;
};

}  // namespace

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::string out(text::utf8_prefix(text, max_bytes));
  out += kTruncatedMarker;
  return out;
}

void check_limits(const SanitizerLimits& limits) {
  const std::pair<const char*, std::size_t> fields[] = {
      {"max_string", limits.max_string},
      {"max_list", limits.max_list},
      {"max_depth", limits.max_depth},
      {"max_members", limits.max_members},
      {"max_key", limits.max_key},
      {"max_values", limits.max_values},
      {"max_error_message", limits.max_error_message}};
  for (const auto& [name, value] : fields)
    if (value == 0)
      throw std::invalid_argument(std::string("SanitizerLimits::") + name +
                                  " is 0: it must be at least 1");
}

json::object sanitize_payload(json::object payload, const SanitizerLimits& limits) {
  return PayloadSanitizer(limits).object(std::move(payload), 1);
}

}  // namespace agenthost::events
