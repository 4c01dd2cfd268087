#include "registry/names.hpp"

#include <fmt/format.h>

namespace agenthost::registry {

namespace {

bool lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNameLength)
    return fmt::format("is {} characters long, the limit is {}", name.size(), kMaxNameLength);
  if (!lower_or_digit(name.front()))
    return fmt::format("starts with {:?}, names start with [a-z0-9]", name.front());
  for (std::size_t i = 1; i < name.size(); ++i) {
    const char c = name[i];
    if (!lower_or_digit(c) && c != '_' && c != '.' && c != '-')
      return fmt::format("contains {:?} at position {}, names use only [a-z0-9_.-]", c, i);
  }
  return {};
}

}  // namespace agenthost::registry
