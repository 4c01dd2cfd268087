#pragma once
/// \file
/// Exact equality of JSON values, for the checks that a value survives a round trip.

#include <boost/json/value.hpp>

namespace agenthost::json {

/// True when `a` and `b` are the same value exactly: the same kinds all the way down
/// (int64 1, uint64 1 and double 1.0 differ) and doubles with the same bits (-0.0
/// differs from 0.0). boost::json's == is looser on both counts. Object members are
/// compared by key, in any order.
bool identical(const boost::json::value& a, const boost::json::value& b) noexcept;

}  // namespace agenthost::json
