#include "agentctl/resource_format.hpp"

#include "json/display_text.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "agentctl/command_error.hpp"
#include "agentctl/event_format.hpp"

namespace agenthost::agentctl {

namespace json = boost::json;

namespace {

[[noreturn]] void unexpected(std::string_view what) {
  throw CommandError(ExitCode::failed, "unexpected answer from the host: " + std::string(what));
}

std::string text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return "";
  if (value->is_string()) return one_line(value->get_string(), 500);
  return agenthost::json::display_text(*value);
}

}  // namespace

std::string format_agents(const json::value& body) {
  const auto* agents = body.is_object() ? body.get_object().if_contains("agents") : nullptr;
  if (agents == nullptr || !agents->is_array()) unexpected("no \"agents\" list");
  if (agents->get_array().empty()) return "no agents are registered\n";

  const std::array<std::string_view, 4> keys{"name", "version", "plugin", "description"};
  std::vector<std::array<std::string, 4>> rows{{"NAME", "VERSION", "PLUGIN", "DESCRIPTION"}};
  for (const auto& agent : agents->get_array()) {
    if (!agent.is_object()) unexpected("an agent that is not an object");
    std::array<std::string, 4> row;
    for (std::size_t i = 0; i < keys.size(); ++i) row[i] = text_of(agent.get_object(), keys[i]);
    rows.push_back(std::move(row));
  }
  std::array<std::size_t, 3> widths{};
  for (const auto& row : rows)
    for (std::size_t i = 0; i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i)
      line += row[i] + std::string(widths[i] - row[i].size() + 2, ' ');
    line += row[3];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string format_run(const json::value& body) {
  if (!body.is_object() || !body.get_object().contains("run_id"))
    unexpected("a run without \"run_id\"");
  const auto& run = body.get_object();
  const std::array<std::pair<std::string_view, std::string_view>, 7> fields{{
      {"run", "run_id"},
      {"agent", "agent"},
      {"thread", "thread_id"},
      {"status", "status"},
      {"created", "created_at"},
      {"started", "started_at"},
      {"finished", "finished_at"},
  }};
  std::string out;
  auto line = [&](std::string_view label, const std::string& value) {
    out += std::string(label) + std::string(10 - label.size(), ' ') + value + "\n";
  };
  for (const auto& [label, key] : fields)
    if (auto value = text_of(run, key); !value.empty()) line(label, value);
  if (const auto* input = run.if_contains("input"))
    line("input", agenthost::json::display_text(*input));
  if (const auto* result = run.if_contains("result"); result && !result->is_null())
    line("result", agenthost::json::display_text(*result));
  if (const auto* error = run.if_contains("error"); error && error->is_object()) {
    const auto type = text_of(error->get_object(), "error_type");
    const auto message = text_of(error->get_object(), "message");
    line("error", type.empty() ? message : type + ": " + message);
  }
  if (const auto* question = run.if_contains("question"); question && question->is_object()) {
    const auto& q = question->get_object();
    line("question", text_of(q, "prompt"));
    if (const auto* schema = q.if_contains("schema"))
      line("expects", agenthost::json::display_text(*schema));
    line("answer", "agentctl answer " + text_of(run, "run_id") + " --input JSON");
  }
  return out;
}

}  // namespace agenthost::agentctl
