#include "server/run_fields.hpp"

#include "json/parse.hpp"
#include "server/json_fields.hpp"

namespace agenthost::server {

std::variant<boost::json::object, ApiError> parse_json_object(std::string_view text,
                                                              std::string_view what) {
  auto parsed = json::parse(text, {.max_depth = json::kMaxClientDepth});
  if (auto* error = std::get_if<json::ParseError>(&parsed))
    return make_error(400, error_code::invalid_json, std::string(what) + ": " + error->describe());
  auto& value = std::get<boost::json::value>(parsed);
  if (!value.is_object())
    return make_error(400, error_code::invalid_json, std::string(what) + " must be a JSON object");
  return std::move(value.as_object());
}

std::optional<ApiError> read_run_fields(const JsonFields& fields, RunFields& out) {
  if (auto e = fields.required_string("agent", kMaxAgentNameLength, out.agent)) return e;
  if (auto e = fields.optional_id("thread_id", out.thread_id)) return e;
  const auto* input = fields.find("input");
  if (!input) return fields.missing("input");
  out.input = *input;
  if (const auto* strategy = fields.find("multitask_strategy"); strategy && !strategy->is_null()) {
    const auto parsed = strategy->is_string()
                            ? execution::parse_multitask_strategy(strategy->as_string())
                            : std::nullopt;
    if (!parsed)
      return fields.invalid("multitask_strategy",
                            "must be one of \"reject\", \"enqueue\", \"interrupt\"");
    out.strategy = *parsed;
  }
  if (const auto* metadata = fields.find("metadata"); metadata && !metadata->is_null()) {
    if (!metadata->is_object()) return fields.invalid("metadata", "must be an object");
    out.metadata = metadata->as_object();
  }
  return std::nullopt;
}

std::variant<RunFields, ApiError> parse_run_body(std::string_view body) {
  auto parsed = parse_json_object(body, "request body");
  if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
  const auto& object = std::get<boost::json::object>(parsed);
  const JsonFields fields(object, "request body");
  if (auto e =
          fields.refuse_unknown({"agent", "thread_id", "input", "multitask_strategy", "metadata"}))
    return std::move(*e);
  RunFields out;
  if (auto e = read_run_fields(fields, out)) return std::move(*e);
  return out;
}

}  // namespace agenthost::server
