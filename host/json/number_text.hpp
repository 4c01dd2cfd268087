#pragma once
/// \file
/// The text of one JSON number <-> a double, exactly: reading is correctly rounded
/// (IEEE-754 round to nearest, ties to even, as JavaScript and Python read), writing
/// is the shortest text that reads back as the same double. Pure, any thread.

#include <optional>
#include <string>
#include <string_view>

namespace agenthost::json {

/// Largest double, as written in error messages.
inline constexpr std::string_view kLargestDouble = "1.7976931348623157e308";

/// The double nearest to the JSON number `text` (which must match the JSON number
/// grammar). A value too small for a double rounds to 0 (keeping the sign), as IEEE
/// rounding does; nullopt when its magnitude rounds past the largest double: such a
/// number has no double (JSON has no infinity), and the caller refuses it.
std::optional<double> read_double(std::string_view text) noexcept;

/// The shortest text that reads back (read_double) as exactly `d`, as people write
/// numbers: "0.8", "123.0", "-0.0", "1e+21", "5e-324". A double whose shortest form
/// has neither '.' nor an exponent gets ".0", so it still reads as a double rather
/// than an integer. NaN and infinities (which JSON cannot carry) give "null".
std::string format_double(double d);

}  // namespace agenthost::json
