// The key rule of the sanitiser (see classify_key in sanitizer.hpp). Word-based
// rather than substring-based: the original redacted every key containing "key" or
// "token", which hid keywords, key_points and token counts while letting a plural
// "access_tokens" through only by luck.

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <string_view>

#include "events/sanitizer.hpp"
#include "text/ascii.hpp"

namespace agenthost::events {
namespace {

// ASCII classes (keys are compared with ASCII words; other bytes separate words).
constexpr bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) { return is_upper(c) || is_lower(c) || is_digit(c); }

// A new word starts at `i` when the character class changes in a way that separates
// words in identifiers: aB, a1, 1a, and the last capital of an acronym before a
// lower-case letter (APIKey -> API Key).
bool starts_word(std::string_view s, std::size_t i) {
  const char prev = s[i - 1];
  const char cur = s[i];
  if (is_lower(prev) && is_upper(cur)) return true;
  if (is_digit(prev) != is_digit(cur)) return true;
  return is_upper(prev) && is_upper(cur) && i + 1 < s.size() && is_lower(s[i + 1]);
}

// A key's words, lower-cased: views over one lower-cased copy of the key. Every
// event's every key is split, so nothing is allocated for keys of up to 64 bytes
// and 8 words (nearly all of them).
class KeyWords {
 public:
  explicit KeyWords(std::string_view key) : lowered_(key.size()) {
    std::size_t start = 0;
    bool open = false;
    for (std::size_t i = 0; i < key.size(); ++i) {
      const char c = key[i];
      if (!is_alnum(c)) {
        if (open) close(start, i);
        open = false;
        continue;
      }
      if (!open) {
        start = i;
        open = true;
      } else if (starts_word(key, i)) {
        close(start, i);
        start = i;
      }
      lowered_[i] = text::ascii_lower(c);
    }
    if (open) close(start, key.size());
  }
  KeyWords(const KeyWords&) = delete;
  KeyWords& operator=(const KeyWords&) = delete;

  std::size_t size() const noexcept { return words_.size(); }
  std::string_view operator[](std::size_t i) const noexcept { return words_[i]; }

 private:
  void close(std::size_t start, std::size_t end) {
    words_.emplace_back(lowered_.data() + start, end - start);
  }

  boost::container::small_vector<char, 64> lowered_;
  boost::container::small_vector<std::string_view, 8> words_;
};

template <std::size_t N>
bool one_of(std::string_view word, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

template <std::size_t N>
bool contains_any(std::string_view word, const std::array<std::string_view, N>& list) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view part) { return word.find(part) != word.npos; });
}

constexpr std::array<std::string_view, 6> kSecretWords = {"auth",       "oauth",  "authorization",
                                                          "passphrase", "cookie", "cookies"};
constexpr std::array<std::string_view, 7> kSecretParts = {
    "password", "passwd", "secret", "credential", "apikey", "privatekey", "accesskey"};
// Words that make a following key/keys/tokens name a credential.
constexpr std::array<std::string_view, 16> kQualifiers = {
    "api", "access", "private", "secret", "session", "signing", "encryption", "master",
    "ssh", "client", "refresh", "auth",   "bearer",  "id",      "csrf",       "jwt"};

}  // namespace

KeyKind classify_key(std::string_view key) {
  const KeyWords words(key);
  // A trailing number does not change what a key names: key2 is still a key.
  std::size_t last_word = words.size();
  while (last_word > 0 && is_digit(words[last_word - 1].front())) --last_word;
  bool token = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words[i];
    const bool last = i + 1 == last_word;
    const bool qualified = i > 0 && one_of(words[i - 1], kQualifiers);
    if (one_of(word, kSecretWords) || contains_any(word, kSecretParts)) return KeyKind::secret;
    if ((word == "key" || word == "keys") && (last || qualified)) return KeyKind::secret;
    if (word.ends_with("token") || (word == "tokens" && qualified)) token = true;
  }
  return token ? KeyKind::token : KeyKind::plain;
}

bool is_secret_key(std::string_view key) { return classify_key(key) == KeyKind::secret; }

}  // namespace agenthost::events
