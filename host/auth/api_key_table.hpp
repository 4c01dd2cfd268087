#pragma once
/// \file
/// ApiKeyTable: the static API keys of the configuration, looked up without
/// revealing through timing which key, or how much of one, a candidate matched.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::auth {

class ApiKeyTable {
 public:
  /// `keys`: key -> user id. Validation is the caller's (Authenticator::reload).
  explicit ApiKeyTable(const std::map<std::string, std::string>& keys);

  /// The user id of `candidate`, or nullptr. Compares the candidate with every key,
  /// all bytes, whatever matches: the time taken depends only on the candidate's
  /// length and the number of keys.
  const std::string* find(std::string_view candidate) const noexcept;

  bool empty() const noexcept { return entries_.empty(); }

 private:
  struct Entry {
    std::string key;
    std::string user_id;
  };
  std::vector<Entry> entries_;
};

/// True when `a` and `b` are equal; the time taken depends only on a.size().
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace agenthost::auth
