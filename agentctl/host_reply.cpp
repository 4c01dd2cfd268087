#include "agentctl/host_reply.hpp"

#include <optional>

#include "agentctl/event_format.hpp"
#include "json/parse.hpp"

namespace agenthost::agentctl {

namespace json = boost::json;

namespace {

struct ErrorBody {
  std::string code;
  std::string message;
};

std::string string_or_empty(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : "";
}

std::optional<ErrorBody> parse_error_body(std::string_view body) {
  const auto parsed = agenthost::json::parse(body);
  const auto* value = std::get_if<json::value>(&parsed);
  if (!value || !value->is_object()) return std::nullopt;
  const auto* error = value->get_object().if_contains("error");
  if (!error || !error->is_object()) return std::nullopt;
  ErrorBody out{string_or_empty(error->get_object(), "code"),
                string_or_empty(error->get_object(), "message")};
  if (out.message.empty() && out.code.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::string describe_http_refusal(unsigned status, std::string_view body, bool token_given,
                                  std::string_view retry_after) {
  const auto error = parse_error_body(body);
  const std::string message =
      error ? (error->message.empty() ? error->code : error->message)
            : (body.empty() ? "(empty body)" : "'" + one_line(body, 200) + "'");
  const std::string status_text = std::to_string(status);
  if (status == 401) {
    if (!token_given)
      return "the host requires a token (401): " + message +
             "; pass --token or set AGENTHOST_TOKEN";
    return "the host refused the token (401): " + message;
  }
  std::string line =
      error ? message + " (" + status_text + (error->code.empty() ? "" : " " + error->code) + ")"
            : "the host answered " + status_text + ": " + message;
  if (!retry_after.empty() && line.find("retry") == std::string::npos)
    line += "; retry in " + std::string(retry_after) + " s";
  return line;
}

std::string describe_error_frame(const json::object& frame) {
  const auto code = string_or_empty(frame, "code");
  const auto message = string_or_empty(frame, "message");
  if (message.empty()) return code.empty() ? "the host sent an error frame" : code;
  return message + (code.empty() ? "" : " (" + code + ")");
}

}  // namespace agenthost::agentctl
