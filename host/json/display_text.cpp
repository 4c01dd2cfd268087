#include "json/display_text.hpp"

#include <boost/json/serialize.hpp>

#include "json/number_text.hpp"

namespace agenthost::json {
namespace {

void append(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      out += format_double(value.get_double());
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append(out, element);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(member.key());
        out += ':';
        append(out, member.value());
      }
      out += '}';
      return;
    }
    default:  // null, bool, integers and strings: Boost writes them as people do
      out += boost::json::serialize(value);
  }
}

}  // namespace

std::string display_text(const boost::json::value& value) {
  std::string out;
  append(out, value);
  return out;
}

}  // namespace agenthost::json
