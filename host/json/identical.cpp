#include "json/identical.hpp"

#include <bit>
#include <cstdint>

namespace agenthost::json {

bool identical(const boost::json::value& a, const boost::json::value& b) noexcept {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case boost::json::kind::double_:
      return std::bit_cast<std::uint64_t>(a.get_double()) ==
             std::bit_cast<std::uint64_t>(b.get_double());
    case boost::json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!identical(x[i], y[i])) return false;
      return true;
    }
    case boost::json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& member : x) {
        const auto* other = y.if_contains(member.key());
        if (!other || !identical(member.value(), *other)) return false;
      }
      return true;
    }
    default:  // null, bool, int64, uint64, string: == compares them exactly
      return a == b;
  }
}

}  // namespace agenthost::json
