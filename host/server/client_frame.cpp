#include "server/client_frame.hpp"

#include "server/json_fields.hpp"

namespace agenthost::server {

namespace {

FrameError frame_error(ApiError error, const std::optional<std::string>& request_id) {
  return FrameError{std::move(error), request_id};
}

ClientFrame parse_start_run(const JsonFields& fields) {
  StartRunFrame frame;
  if (auto e = fields.required_id("request_id", frame.request_id)) return frame_error(*e, {});
  if (auto e = fields.refuse_unknown(
          {"type", "request_id", "agent", "thread_id", "input", "multitask_strategy", "metadata"}))
    return frame_error(*e, frame.request_id);
  if (auto e = read_run_fields(fields, frame.run)) return frame_error(*e, frame.request_id);
  return frame;
}

ClientFrame parse_cancel_run(const JsonFields& fields, std::optional<std::string> request_id) {
  CancelRunFrame frame{{}, std::move(request_id)};
  if (auto e = fields.refuse_unknown({"type", "request_id", "run_id"}))
    return frame_error(*e, frame.request_id);
  if (auto e = fields.required_id("run_id", frame.run_id)) return frame_error(*e, frame.request_id);
  return frame;
}

ClientFrame parse_resume_run(const JsonFields& fields, std::optional<std::string> request_id) {
  ResumeRunFrame frame{{}, nullptr, std::move(request_id)};
  if (auto e = fields.refuse_unknown({"type", "request_id", "run_id", "input"}))
    return frame_error(*e, frame.request_id);
  if (auto e = fields.required_id("run_id", frame.run_id)) return frame_error(*e, frame.request_id);
  const auto* input = fields.find("input");
  if (!input) return frame_error(fields.missing("input"), frame.request_id);
  frame.input = *input;
  return frame;
}

ClientFrame parse_subscribe(const JsonFields& fields, std::optional<std::string> request_id) {
  SubscribeFrame frame{{}, 0, std::move(request_id)};
  if (auto e = fields.refuse_unknown({"type", "request_id", "run_id", "after"}))
    return frame_error(*e, frame.request_id);
  if (auto e = fields.required_id("run_id", frame.run_id)) return frame_error(*e, frame.request_id);
  if (auto e = fields.optional_count("after", frame.after))
    return frame_error(*e, frame.request_id);
  return frame;
}

}  // namespace

ClientFrame parse_client_frame(std::string_view text) {
  auto parsed = parse_json_object(text, "frame");
  if (auto* error = std::get_if<ApiError>(&parsed)) return frame_error(std::move(*error), {});
  const auto& object = std::get<boost::json::object>(parsed);

  const auto* type = object.if_contains("type");
  const std::string what = type && type->is_string() && type->as_string().size() <= 32
                               ? std::string(type->as_string()) + " frame"
                               : std::string("frame");
  const JsonFields fields(object, what);
  if (!type || type->is_null()) return frame_error(fields.missing("type"), {});
  if (!type->is_string()) return frame_error(fields.invalid("type", "must be a string"), {});
  const std::string_view name = type->as_string();

  if (name == "start_run") return parse_start_run(fields);

  // Every other frame may carry a request_id, echoed in the error frames it causes.
  std::optional<std::string> request_id;
  if (auto e = fields.optional_id("request_id", request_id)) return frame_error(*e, {});
  if (name == "cancel_run") return parse_cancel_run(fields, std::move(request_id));
  if (name == "resume_run") return parse_resume_run(fields, std::move(request_id));
  if (name == "subscribe") return parse_subscribe(fields, std::move(request_id));
  if (name == "ping") {
    if (auto e = fields.refuse_unknown({"type", "request_id"})) return frame_error(*e, request_id);
    return PingFrame{std::move(request_id)};
  }
  const std::string shown = utf8_prefix(name, 32);
  return frame_error(
      make_error(400, error_code::unknown_type,
                 "unknown frame type \"" + shown +
                     "\" (expected start_run, cancel_run, resume_run, subscribe or ping)"),
      request_id);
}

}  // namespace agenthost::server
