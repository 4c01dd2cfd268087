#pragma once
/// \file
/// From valijson's error list to one short ValidationError: the JSON pointer, the
/// keyword that failed, what was expected and what was found.

#include <boost/json/value.hpp>

#include <string>
#include <vector>

#include "schema/compiled_schema.hpp"

namespace agenthost::schema {

/// One valijson error: its context ("<root>", "[name]", "[0]", ...) and text.
struct RawError {
  std::vector<std::string> context;
  std::string description;
};

/// The error to report for `errors` (not empty), in the order valijson pushed them
/// (innermost first). When the first failure sits inside an anyOf/oneOf/if whose
/// alternatives all failed, that combinator is reported, with the first failure as
/// detail. Quotes at most a few dozen characters of `instance`.
ValidationError explain(const std::vector<RawError>& errors, const boost::json::value& instance);

/// At most `limit` characters of `text`, "..." marking a cut.
std::string truncated(std::string text, std::size_t limit);

}  // namespace agenthost::schema
