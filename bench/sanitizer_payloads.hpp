#pragma once
// The payloads the sanitiser benchmarks run on (built once, deterministically).

#include <boost/json/object.hpp>

namespace agenthost::bench {

/// What an agent emits most of the time: a handful of short fields (~300 bytes of
/// JSON), nothing to redact or cut.
boost::json::object typical_payload();

/// A payload the sanitiser has work on (~100 KB of JSON): nested objects, long
/// strings and lists past the limits, secret-looking keys at several levels, an
/// error_message with host paths and an inline secret, internal fields to drop.
boost::json::object large_payload();

}  // namespace agenthost::bench
