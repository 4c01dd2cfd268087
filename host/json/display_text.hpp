#pragma once
/// \file
/// JSON text for people to read (agentctl): numbers as people write them ("0.8",
/// not Boost.JSON's "8E-1"), still valid JSON that reads back as the same value.

#include <boost/json/value.hpp>

#include <string>

namespace agenthost::json {

/// `value` as compact JSON, strings escaped as boost::json::serialize does, doubles
/// in their shortest form (format_double), so that parse(display_text(v)) gives a
/// value identical to v.
std::string display_text(const boost::json::value& value);

}  // namespace agenthost::json
