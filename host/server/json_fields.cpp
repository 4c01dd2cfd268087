#include "server/json_fields.hpp"

#include "agenthost/id_rules.hpp"
#include "text/utf8.hpp"

namespace agenthost::server {

std::string utf8_prefix(std::string_view text, std::size_t max_bytes) {
  return std::string(text::utf8_prefix(text, max_bytes));
}

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Member names echoed in messages are cut: they come from the client.
std::string shown(std::string_view name) { return quoted(utf8_prefix(name, 64)); }

}  // namespace

ApiError JsonFields::missing(std::string_view name) const {
  return make_error(400, error_code::missing_field, what_ + ": missing field " + quoted(name));
}

ApiError JsonFields::invalid(std::string_view name, std::string_view problem) const {
  return make_error(400, error_code::invalid_field,
                    what_ + ": field " + quoted(name) + " " + std::string(problem));
}

std::optional<ApiError> JsonFields::required_id(std::string_view name, std::string& out) const {
  const auto* v = find(name);
  if (!v || v->is_null()) return missing(name);
  if (!v->is_string()) return invalid(name, "must be a string");
  const std::string_view s = v->as_string();
  if (auto problem = agenthost::id_problem(s); !problem.empty()) return invalid(name, problem);
  out = std::string(s);
  return std::nullopt;
}

std::optional<ApiError> JsonFields::optional_id(std::string_view name,
                                                std::optional<std::string>& out) const {
  const auto* v = find(name);
  if (!v || v->is_null()) return std::nullopt;
  std::string id;
  if (auto error = required_id(name, id)) return error;
  out = std::move(id);
  return std::nullopt;
}

std::optional<ApiError> JsonFields::required_string(std::string_view name, std::size_t max_length,
                                                    std::string& out) const {
  const auto* v = find(name);
  if (!v || v->is_null()) return missing(name);
  if (!v->is_string()) return invalid(name, "must be a string");
  const std::string_view s = v->as_string();
  if (s.empty()) return invalid(name, "is empty");
  if (s.size() > max_length)
    return invalid(name, "is longer than " + std::to_string(max_length) + " characters");
  out = std::string(s);
  return std::nullopt;
}

std::optional<ApiError> JsonFields::optional_count(std::string_view name,
                                                   std::uint64_t& out) const {
  const auto* v = find(name);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_uint64()) {
    out = v->as_uint64();
    return std::nullopt;
  }
  if (v->is_int64() && v->as_int64() >= 0) {
    out = static_cast<std::uint64_t>(v->as_int64());
    return std::nullopt;
  }
  return invalid(name, "must be a non-negative integer");
}

std::optional<ApiError> JsonFields::refuse_unknown(
    std::initializer_list<std::string_view> allowed) const {
  for (const auto& member : object_) {
    bool known = false;
    for (auto a : allowed) known = known || member.key() == a;
    if (known) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return make_error(
        400, error_code::unknown_field,
        what_ + ": unknown field " + shown(member.key()) + " (expected " + list + ")");
  }
  return std::nullopt;
}

}  // namespace agenthost::server
