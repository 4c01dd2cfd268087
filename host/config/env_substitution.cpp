#include "config/env_substitution.hpp"

#include <cctype>

namespace agenthost::config {

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

constexpr std::string_view kForms = "write ${NAME}, ${NAME:-default}, or '$$' for a literal '$'";

}  // namespace

ExpandedText expand_environment(std::string_view text, const EnvLookup& env) {
  ExpandedText out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      out.text.append(text.substr(i));
      break;
    }
    out.text.append(text.substr(i, dollar - i));
    const std::size_t next = dollar + 1;
    if (next < text.size() && text[next] == '$') {
      out.text += '$';
      i = next + 1;
      continue;
    }
    if (next >= text.size() || text[next] != '{') {
      out.errors.push_back("a lone '$' at offset " + std::to_string(dollar) + "; " +
                           std::string(kForms));
      out.text += '$';
      i = next;
      continue;
    }
    const std::size_t close = text.find('}', next);
    if (close == std::string_view::npos) {
      out.errors.push_back("'${' at offset " + std::to_string(dollar) + " has no closing '}'; " +
                           std::string(kForms));
      break;
    }
    const std::string_view inside = text.substr(next + 1, close - next - 1);
    const std::size_t default_mark = inside.find(":-");
    const std::string_view name = inside.substr(0, default_mark);
    i = close + 1;
    if (!is_valid_name(name)) {
      out.errors.push_back("'${" + std::string(inside) + "}' does not name a variable (names are " +
                           "letters, digits and '_', not starting with a digit); " +
                           std::string(kForms));
      continue;
    }
    const std::optional<std::string> value = env(std::string(name));
    if (default_mark != std::string_view::npos) {
      // Shell semantics of ':-': the default also replaces a set but empty variable.
      out.text += value && !value->empty() ? *value : std::string(inside.substr(default_mark + 2));
    } else if (value) {
      out.text += *value;
    } else {
      out.errors.push_back("environment variable " + std::string(name) + " is not set (used as ${" +
                           std::string(name) + "}); set it, or write ${" + std::string(name) +
                           ":-default} to give a default");
    }
  }
  return out;
}

}  // namespace agenthost::config
