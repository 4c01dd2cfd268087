#include "json/number_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

namespace agenthost::json {
namespace {

// Decimal order of magnitude of a nonzero JSON number: n such that its value lies
// in [10^n, 10^(n+1)). Only its sign matters here (see read_double), so the
// exponent saturates instead of overflowing.
std::int64_t decimal_order(std::string_view text) noexcept {
  std::size_t i = text.empty() || text[0] != '-' ? 0 : 1;
  std::int64_t order = -1;
  bool found = false;  // the first nonzero digit
  bool after_point = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    const char c = text[i];
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (found) {
      if (!after_point) ++order;
      continue;
    }
    if (c != '0') {
      found = true;
      if (!after_point) order = 0;
    } else if (after_point) {
      --order;
    }
  }
  std::int64_t exponent = 0;
  bool negative = false;
  for (++i; i < text.size(); ++i) {
    if (text[i] == '-') negative = true;
    if (text[i] >= '0' && text[i] <= '9' && exponent < 1'000'000'000)
      exponent = exponent * 10 + (text[i] - '0');
  }
  return order + (negative ? -exponent : exponent);
}

}  // namespace

std::optional<double> read_double(std::string_view text) noexcept {
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec == std::errc()) return d;
  if (ec != std::errc::result_out_of_range) return std::nullopt;
  // from_chars leaves d alone when the value is out of range, without saying which
  // way: past the largest double (order >= 308) or below half the smallest
  // denormal (order <= -324), which rounds to zero.
  if (decimal_order(text) >= 0) return std::nullopt;
  return text.front() == '-' ? -0.0 : 0.0;
}

std::string format_double(double d) {
  if (!std::isfinite(d)) return "null";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

}  // namespace agenthost::json
