#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::config {

/// The allowed word closest to `word` by edit distance (case-insensitive, a swap of two
/// neighbouring letters counts as one edit), when it is close enough to be a likely typo.
std::optional<std::string> nearest_word(std::string_view word,
                                        const std::vector<std::string>& allowed);

/// " did you mean 'X'?" for a likely typo, "" otherwise; for appending to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& allowed);

/// "a, b, c".
std::string join_words(const std::vector<std::string>& words);

}  // namespace agenthost::config
