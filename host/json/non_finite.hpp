#pragma once
/// \file
/// Finding the numbers JSON cannot carry (NaN and the infinities) in a value a plugin
/// built: Boost.JSON would write them as NaN / Infinity, which no JSON reader (the
/// host's own included) reads back, so a stored result or event holding one could
/// not be delivered. The host refuses them where a plugin hands a value over.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace agenthost::json {

/// The path below `value` of its first NaN or infinity ("" for the value itself,
/// ".scores[2]", ".a.b"), or nullopt when it holds none.
std::optional<std::string> find_non_finite(const boost::json::value& value);
/// The same for the members of an object (paths start ".member").
std::optional<std::string> find_non_finite(const boost::json::object& object);

}  // namespace agenthost::json
