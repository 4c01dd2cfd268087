#pragma once
/// \file
/// Percent-decoding (RFC 3986 section 2.1), for request targets and database URLs.

#include <optional>
#include <string>
#include <string_view>

namespace agenthost::text {

/// Decodes %XX escapes (either case of hex digits) and, when `plus_is_space`, '+'
/// (query strings). nullopt for a '%' not followed by two hex digits, and for %00:
/// a NUL is never a legitimate part of a path, parameter or credential.
inline std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  auto hex_value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace agenthost::text
