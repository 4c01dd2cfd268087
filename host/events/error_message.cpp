// sanitize_error_message: error text comes from exceptions (file systems, drivers,
// the agent's own code) and is shown to users, so it must not reveal where the host
// keeps its files or echo a credential it was handed.

#include <cctype>
#include <string>
#include <string_view>

#include "events/sanitizer.hpp"

namespace agenthost::events {
namespace {

constexpr std::string_view kPathPrefix = "<path>/";

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

// Characters after which a path may begin: paths are whole tokens, so "and/or" or
// the "/v1/x" inside a URL are not paths.
bool path_may_follow(char c) {
  return is_space(c) || std::string_view("\"'`([{<=,;").find(c) != std::string_view::npos;
}

// Characters that end a path token. ':' ends Unix paths so "foo.cpp:42" keeps its line.
bool ends_path(char c, bool windows) {
  if (is_space(c)) return true;
  if (!windows && c == ':') return true;
  return std::string_view("\"'`()[]{}<>,;").find(c) != std::string_view::npos;
}

bool is_separator(char c) { return c == '/' || c == '\\'; }

// Length of the absolute path starting at `i`, or 0 when none starts there. An
// absolute path needs a directory part: "/tmp/x" is one, "/tmp" or "/" alone is not.
std::size_t path_length(std::string_view s, std::size_t i) {
  std::size_t start = i;  // first character after the root
  bool windows = false;
  if (s[i] == '/') {
    start = i + 1;
  } else if (s[i] == '~' && i + 1 < s.size() && s[i + 1] == '/') {
    start = i + 2;
  } else if (is_alpha(s[i]) && i + 2 < s.size() && s[i + 1] == ':' && is_separator(s[i + 2])) {
    start = i + 3;
    windows = true;
  } else {
    return 0;
  }
  std::size_t end = start;
  bool has_directory = false;
  while (end < s.size() && !ends_path(s[end], windows)) {
    if (is_separator(s[end]) && end > start) has_directory = true;
    ++end;
  }
  return has_directory ? end - i : 0;
}

std::string_view last_component(std::string_view path) {
  const auto cut = path.find_last_of("/\\");
  return cut == path.npos ? path : path.substr(cut + 1);
}

// Length of the value after "key=" (or "key: "), quoted or up to the next space or
// delimiter; an HTTP auth scheme (Bearer, Basic, Token) takes its credential along.
std::size_t secret_value_length(std::string_view s, std::size_t i) {
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
    const auto close = s.find(s[i], i + 1);
    return close == s.npos ? s.size() - i : close + 1 - i;
  }
  std::size_t end = i;
  while (end < s.size() && !is_space(s[end]) && std::string_view(";,&)\"'").find(s[end]) == s.npos)
    ++end;
  const std::string_view word = s.substr(i, end - i);
  if ((word == "Bearer" || word == "Basic" || word == "Token") && end < s.size() && s[end] == ' ')
    return end + 1 - i + secret_value_length(s, end + 1);
  return end - i;
}

}  // namespace

std::string sanitize_error_message(std::string_view s, std::size_t max_bytes) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    // scheme://user:password@host
    if (s.substr(i, 3) == "://") {
      out += "://";
      i += 3;
      std::size_t j = i;
      bool colon = false;
      while (j < s.size() && !is_space(s[j]) && s[j] != '/' && s[j] != '@') colon |= s[j++] == ':';
      if (j < s.size() && s[j] == '@' && colon) {
        out += kRedacted;
        i = j;
      }
      continue;
    }
    const bool boundary = i == 0 || path_may_follow(s[i - 1]);
    if (boundary) {
      if (const std::size_t n = path_length(s, i); n > 0) {
        out += kPathPrefix;
        out += last_component(s.substr(i, n));
        i += n;
        continue;
      }
    }
    if (is_word_char(s[i]) && (i == 0 || !is_word_char(s[i - 1]))) {
      std::size_t end = i;
      while (end < s.size() && is_word_char(s[end])) ++end;
      const std::string_view word = s.substr(i, end - i);
      out += word;
      std::size_t value = end;
      if (value < s.size() && s[value] == '=') {
        value += 1;
      } else if (s.substr(value, 2) == ": ") {
        value += 2;
      } else {
        value = 0;
      }
      if (value != 0 && classify_key(word) != KeyKind::plain) {
        out += s.substr(end, value - end);
        out += kRedacted;
        i = value + secret_value_length(s, value);
      } else {
        i = end;
      }
      continue;
    }
    out += s[i++];
  }
  return truncate_utf8(out, max_bytes);
}

}  // namespace agenthost::events
