// sanitize_payload: one recursive walk over the payload, cleaning it in place by the
// rules listed in sanitizer.hpp.

#include "events/sanitizer.hpp"

#include "text/ascii.hpp"
#include "text/utf8.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
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

  // Cleans `obj` in place; `depth` is the depth of its members (1 for the payload's
  // own). In place, because nearly every payload has nothing to cut: its members keep
  // their storage and order, and only what a rule changes is replaced.
  void object(json::object& obj, std::size_t depth) {
    if (needs_rebuild(obj)) {
      obj = rebuilt(std::move(obj), depth);
      return;
    }
    std::size_t i = 0;
    for (auto& member : obj) {
      if (i == limits_.max_members || !take()) return omit_from(obj, i);
      clean_member(member.key(), member.value(), depth);
      ++i;
    }
  }

 private:
  // A dropped key or one to shorten: the object is built anew (rare).
  bool needs_rebuild(const json::object& obj) const {
    return std::any_of(obj.begin(), obj.end(), [&](const json::key_value_pair& m) {
      return m.key().size() > limits_.max_key || is_dropped_key(m.key());
    });
  }

  json::object rebuilt(json::object in, std::size_t depth) {
    json::object out;
    out.reserve(std::min(in.size(), limits_.max_members) + 1);
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
      clean_member(key, member.value(), depth);
      if (key.size() > limits_.max_key)
        out[truncate_utf8(key, limits_.max_key)] = std::move(member.value());
      else
        out[key] = std::move(member.value());
    }
    if (omitted > 0) out[kTruncatedMarker] = omitted;
    return out;
  }

  // Members from `first` on are omitted: erased from the back (which moves no other
  // member) and counted.
  void omit_from(json::object& obj, std::size_t first) {
    const std::size_t omitted = obj.size() - first;
    while (obj.size() > first) obj.erase(std::prev(obj.end()));
    obj[kTruncatedMarker] = omitted;
  }

  void clean_member(std::string_view key, json::value& value, std::size_t depth) {
    const KeyKind kind = classify_key(key);
    const bool count = value.is_number() || value.is_bool();
    if (kind == KeyKind::secret || (kind == KeyKind::token && !count))
      value = kRedacted;
    else if (key == "error_message" && value.is_string())
      value = sanitize_error_message(value.get_string(), limits_.max_error_message);
    else
      clean_value(value, depth);
  }

  void clean_value(json::value& value, std::size_t depth) {
    if (depth > limits_.max_depth) {
      value = kTooDeepMarker;
      return;
    }
    switch (value.kind()) {
      case json::kind::string:
        if (value.get_string().size() > limits_.max_string)
          value = truncate_utf8(value.get_string(), limits_.max_string);
        return;
      case json::kind::array:
        return clean_array(value.get_array(), depth + 1);
      case json::kind::object:
        return object(value.get_object(), depth + 1);
      default:
        return;
    }
  }

  void clean_array(json::array& arr, std::size_t depth) {
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (i == limits_.max_list || !take()) {
        arr.resize(i);
        arr.push_back(json::value(kTruncatedMarker));
        return;
      }
      clean_value(arr[i], depth);
    }
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
  PayloadSanitizer(limits).object(payload, 1);
  return payload;
}

}  // namespace agenthost::events
