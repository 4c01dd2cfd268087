#include "auth/api_key_table.hpp"

namespace agenthost::auth {

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  // Walk the whole of `a` (the attacker's candidate, whose length they know anyway)
  // and index `b` modulo its length, so that neither an early mismatch nor b's
  // length shows in the time taken.
  unsigned diff = static_cast<unsigned>(a.size() ^ b.size());
  if (b.empty()) return a.empty();
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i % b.size()]);
  return diff == 0;
}

ApiKeyTable::ApiKeyTable(const std::map<std::string, std::string>& keys) {
  entries_.reserve(keys.size());
  for (const auto& [key, user] : keys) entries_.push_back({key, user});
}

const std::string* ApiKeyTable::find(std::string_view candidate) const noexcept {
  const std::string* found = nullptr;
  for (const auto& entry : entries_) {
    // No early exit: every key is compared.
    const bool match = constant_time_equals(candidate, entry.key);
    if (match) found = &entry.user_id;
  }
  return found;
}

}  // namespace agenthost::auth
