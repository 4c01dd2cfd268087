#pragma once
/// \file
/// Cutting UTF-8 text at a byte budget without splitting a character.

#include <cstddef>
#include <string_view>

namespace agenthost::text {

/// The longest prefix of `text` of at most `max_bytes` bytes that ends on a UTF-8
/// character boundary (`text` itself when it fits).
constexpr std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace agenthost::text
