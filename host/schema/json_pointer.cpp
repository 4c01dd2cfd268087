#include "schema/json_pointer.hpp"

#include <cctype>

namespace agenthost::schema {

std::string append_pointer(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const int lower = std::tolower(static_cast<unsigned char>(c));
  if (lower >= 'a' && lower <= 'f') return lower - 'a' + 10;
  return -1;
}

}  // namespace

std::string fragment_pointer(std::string_view fragment, bool& ok) {
  ok = false;
  if (fragment.empty() || fragment.front() != '#') return {};
  fragment.remove_prefix(1);
  if (!fragment.empty() && fragment.front() != '/') return {};
  // A URI fragment percent-encodes what a JSON pointer writes plainly.
  std::string decoded;
  for (std::size_t i = 0; i < fragment.size(); ++i) {
    if (fragment[i] == '%') {
      if (i + 2 >= fragment.size()) return {};
      const int hi = hex_digit(fragment[i + 1]);
      const int lo = hex_digit(fragment[i + 2]);
      if (hi < 0 || lo < 0) return {};
      decoded += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      decoded += fragment[i];
    }
  }
  ok = true;
  return decoded;
}

}  // namespace agenthost::schema
