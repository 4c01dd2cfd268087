#include "json/non_finite.hpp"

#include <cmath>

namespace agenthost::json {

std::optional<std::string> find_non_finite(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      if (std::isfinite(value.get_double())) return std::nullopt;
      return std::string();
    case boost::json::kind::array: {
      const auto& array = value.get_array();
      for (std::size_t i = 0; i < array.size(); ++i)
        if (auto below = find_non_finite(array[i])) return "[" + std::to_string(i) + "]" + *below;
      return std::nullopt;
    }
    case boost::json::kind::object:
      return find_non_finite(value.get_object());
    default:
      return std::nullopt;
  }
}

std::optional<std::string> find_non_finite(const boost::json::object& object) {
  for (const auto& member : object)
    if (auto below = find_non_finite(member.value()))
      return "." + std::string(member.key()) + *below;
  return std::nullopt;
}

}  // namespace agenthost::json
