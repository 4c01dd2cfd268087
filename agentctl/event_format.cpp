#include "agentctl/event_format.hpp"

#include "json/display_text.hpp"

#include <cmath>
#include <cstdio>

namespace agenthost::agentctl {

namespace json = boost::json;

namespace {

std::string string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return "";
  if (value->is_string()) return std::string(value->get_string());
  return agenthost::json::display_text(*value);
}

bool has(const json::object& object, std::string_view key) {
  return object.if_contains(key) != nullptr;
}

// "2026-11-26T06:20:47.125Z" -> "06:20:47.125"; anything else is shown as it is.
std::string time_of_day(const json::object& event) {
  const auto stamp = string_field(event, "timestamp");
  const auto t = stamp.find('T');
  if (t == std::string::npos) return stamp.empty() ? "--:--:--.---" : stamp;
  auto time = stamp.substr(t + 1);
  if (!time.empty() && time.back() == 'Z') time.pop_back();
  return time;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string percent(const json::value& value) {
  if (!value.is_number()) return agenthost::json::display_text(value);
  const double p = value.to_number<double>();
  char buffer[32];
  if (std::floor(p) == p)
    std::snprintf(buffer, sizeof buffer, "%.0f%%", p);
  else
    std::snprintf(buffer, sizeof buffer, "%.1f%%", p);
  return buffer;
}

std::string joined(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

std::string summary_of(std::string_view type, const json::object& p) {
  if (type == "agent_thinking" && has(p, "thought")) {
    const auto* step = p.if_contains("step");
    const bool show_step = step && step->is_number() && step->to_number<double>() != 0;
    return string_field(p, "thought") +
           (show_step ? " (step " + agenthost::json::display_text(*step) + ")" : "");
  }
  if (type == "progress_update" && has(p, "progress_percentage"))
    return joined({percent(p.at("progress_percentage")), string_field(p, "current_step")});
  if (type == "tool_executing" && has(p, "tool_name"))
    return joined({string_field(p, "tool_name"), string_field(p, "tool_input")});
  if (type == "tool_completed" && has(p, "tool_name")) {
    const auto* success = p.if_contains("success");
    const bool failed = success && success->is_bool() && !success->get_bool();
    return joined({string_field(p, "tool_name"), failed ? "failed" : "ok",
                   string_field(p, "result_summary")});
  }
  if (type == "input_required" && has(p, "prompt")) return string_field(p, "prompt");
  if (type == "input_received" && has(p, "input")) return "answer " + string_field(p, "input");
  if (type == "agent_completed" && has(p, "result")) return "result " + string_field(p, "result");
  if (type == "agent_error" && has(p, "error_type"))
    return string_field(p, "error_type") + ": " + string_field(p, "error_message");
  if (type == "agent_death" && has(p, "death_cause"))
    return string_field(p, "death_cause") + ": " + string_field(p, "message");
  if (const auto* message = p.if_contains("message"); message && message->is_string())
    return std::string(message->get_string());
  return p.empty() ? "" : agenthost::json::display_text(p);
}

}  // namespace

bool is_terminal_event(std::string_view type) noexcept {
  return type == "agent_completed" || type == "agent_error" || type == "agent_death";
}

ExitCode exit_code_for(std::string_view terminal_type) noexcept {
  return terminal_type == "agent_completed" ? ExitCode::ok : ExitCode::failed;
}

std::string one_line(std::string_view text, std::size_t limit) {
  std::string out;
  out.reserve(std::min(text.size(), limit));
  for (char c : text) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  if (out.size() <= limit) return out;
  std::size_t cut = limit >= 3 ? limit - 3 : 0;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out + "...";
}

std::string summarize_payload(std::string_view type, const json::object& payload) {
  return one_line(summary_of(type, payload), kSummaryBytes);
}

std::string format_event_line(const json::object& event) {
  const auto type = string_field(event, "type");
  const auto* seq = event.if_contains("seq");
  const auto* payload = event.if_contains("payload");
  static const json::object kNoPayload;
  const auto& p = payload && payload->is_object() ? payload->get_object() : kNoPayload;
  std::string line = pad(time_of_day(event), 12) + "  ";
  line += pad("#" + (seq ? agenthost::json::display_text(*seq) : std::string("?")), 5) + " ";
  line += pad(type, 16);
  const auto summary = summarize_payload(type, p);
  if (!summary.empty()) line += " " + summary;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string format_outcome(const json::object& terminal_event) {
  const auto type = string_field(terminal_event, "type");
  const auto* payload = terminal_event.if_contains("payload");
  static const json::object kNoPayload;
  const auto& p = payload && payload->is_object() ? payload->get_object() : kNoPayload;
  if (type == "agent_completed") {
    const auto* result = p.if_contains("result");
    return "result: " + (result ? agenthost::json::display_text(*result) : std::string("(none)"));
  }
  if (type == "agent_error") {
    std::string line = "failed: " + string_field(p, "error_type") + ": " +
                       one_line(string_field(p, "error_message"), 2000);
    const auto* recoverable = p.if_contains("recoverable");
    if (recoverable && recoverable->is_bool() && recoverable->get_bool())
      line += " (the run can be retried)";
    return line;
  }
  if (type == "agent_death") {
    std::string line = "died (" + string_field(p, "death_cause") +
                       "): " + one_line(string_field(p, "message"), 2000);
    if (auto next = string_field(p, "recovery_action"); !next.empty()) line += "; next: " + next;
    return line;
  }
  return "ended with " + type;
}

std::string format_accepted(const json::object& frame, std::string_view agent) {
  return "run " + string_field(frame, "run_id") + " accepted (agent " + std::string(agent) +
         ", thread " + string_field(frame, "thread_id") + ")";
}

}  // namespace agenthost::agentctl
