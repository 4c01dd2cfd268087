#pragma once
/// \file
/// How `agentctl run` answers a run that asks its user (an input_required event):
/// the question shown on the terminal, and the answer read back from it. A yes/no
/// question (a boolean schema, or an object schema with one boolean property) takes
/// y or n; any other takes one line of JSON. Pure apart from the given streams.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <iosfwd>
#include <optional>
#include <string>

namespace agenthost::agentctl {

/// The question for the terminal: its prompt, then what answer is expected.
std::string format_question(const boost::json::object& payload);

/// Reads answers from `in` (prompting on `out`) until one parses: y/n for a yes/no
/// `schema`, JSON otherwise; a line that does not parse is explained and asked again.
/// nullopt at the end of `in`.
std::optional<boost::json::value> read_answer(const boost::json::object& schema, std::istream& in,
                                              std::ostream& out);

}  // namespace agenthost::agentctl
