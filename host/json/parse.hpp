#pragma once
/// \file
/// agenthost::json::parse: the host's one way to read JSON text. Every JSON entry
/// point uses it (client frames and HTTP bodies, stored rows, tokens, agentctl), so
/// that one text always gives one value, whoever reads it.
///
/// The number contract (docs/protocol.md, "Numbers"):
///  - an integer that fits int64 (or, if positive, uint64) is that exact integer;
///  - every other number is the IEEE-754 double nearest to its text (correctly
///    rounded, as JavaScript and Python read it). Boost.JSON 1.81 alone does not
///    always round correctly (it multiplies a 19-digit mantissa by a power of ten),
///    so each double is read again from its exact text;
///  - a number whose magnitude rounds past the largest double is refused: JSON has
///    no infinity, so no value could carry it on.
/// With Boost.JSON's serialize (shortest text that reads back exactly), a value read
/// here and written again reads back identically, -0.0 and denormals included.

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace agenthost::json {

/// Deepest nesting the host takes from a client (a run's input, metadata, an answer).
inline constexpr std::size_t kMaxClientDepth = 64;
/// Deepest nesting of JSON the host wrote itself and reads again (stored rows, frames
/// between supervisor and worker): a client's value (kMaxClientDepth), or an agent's
/// result (cut at the same depth), carried a few levels below the top. Read with the
/// default 32, a valid deep input could be stored but not read back, and broke the
/// worker channel that carried it.
inline constexpr std::size_t kMaxCarriedDepth = kMaxClientDepth + 16;

struct ParseOptions {
  std::size_t max_depth = 32;  ///< nesting of arrays and objects allowed
};

struct ParseError {
  enum class Kind {
    syntax,        ///< not JSON text (or nested deeper than max_depth)
    number_range,  ///< JSON, but a number beyond the range of a double
  };
  Kind kind = Kind::syntax;
  /// What is wrong, without saying where or in what: "syntax error", "the number
  /// 1e999 is beyond the range of a double (largest ...)".
  std::string message;
  std::size_t offset = 0;  ///< byte offset in the text where reading stopped

  /// A sentence for a client: "not valid JSON: syntax error (at byte 12)", or the
  /// number's message with its byte offset.
  std::string describe() const;
};

/// Reads one JSON text: one value with optional whitespace around it. Never throws
/// for bad input (only std::bad_alloc).
std::variant<boost::json::value, ParseError> parse(std::string_view text,
                                                   const ParseOptions& options = {});

}  // namespace agenthost::json
