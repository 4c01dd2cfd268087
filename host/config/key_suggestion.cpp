#include "config/key_suggestion.hpp"

#include <algorithm>
#include <cctype>

namespace agenthost::config {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance: Levenshtein plus adjacent transposition.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> nearest_word(std::string_view word,
                                        const std::vector<std::string>& allowed) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : allowed) {
    const std::size_t distance = edit_distance(word, candidate);
    // A third of the word may be wrong (at least two edits), but never the whole word:
    // "prot" -> "port", "max_queued_run_per_user" -> "max_queued_runs_per_user", "xyz" -> none.
    const std::size_t limit = std::max<std::size_t>(2, candidate.size() / 3);
    if (distance > limit || distance >= candidate.size()) continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& allowed) {
  const auto nearest = nearest_word(word, allowed);
  return nearest ? " did you mean '" + *nearest + "'?" : std::string();
}

std::string join_words(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& w : words) {
    if (!text.empty()) text += ", ";
    text += w;
  }
  return text;
}

}  // namespace agenthost::config
