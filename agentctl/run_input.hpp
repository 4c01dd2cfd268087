#pragma once
/// \file
/// The input of `agentctl run`: --input JSON, --input @FILE or --input @- (stdin),
/// parsed as JSON with the position of any syntax error.

#include <boost/json/value.hpp>

#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::agentctl {

/// Parses `text` as one JSON value. `origin` names where it came from in messages
/// ("--input", "--input @req.json"). Throws CommandError(usage):
/// "--input: invalid JSON at line 1, column 9: syntax error".
boost::json::value parse_input_json(std::string_view text, std::string_view origin);

/// Line and column (both from 1, columns in bytes) of `offset` in `text`.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset) noexcept;

/// Resolves the --input argument: absent -> {}; "@-" reads `stdin_stream`; "@PATH"
/// reads the file; anything else is inline JSON. Throws CommandError(usage) for an
/// unreadable file or invalid JSON.
boost::json::value load_run_input(const std::optional<std::string>& argument,
                                  std::istream& stdin_stream);

}  // namespace agenthost::agentctl
