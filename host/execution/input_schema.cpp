#include "execution/input_schema.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include <cmath>
#include <string_view>

namespace agenthost::execution {
namespace {

std::string_view kind_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "integer";
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "unknown";
}

bool has_type(const boost::json::value& v, std::string_view type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "null") return v.is_null();
  if (type == "number") return v.is_number();
  if (type == "integer") {
    if (v.is_int64() || v.is_uint64()) return true;
    if (v.is_double()) {
      const double d = v.get_double();
      return std::isfinite(d) && std::floor(d) == d;
    }
    return false;
  }
  return false;
}

// "type" may be one name or a list of names.
std::string type_mismatch(const boost::json::value& type, const boost::json::value& value,
                          const std::string& path) {
  std::string expected;
  if (type.is_string()) {
    if (has_type(value, type.get_string())) return {};
    expected = type.get_string();
  } else if (type.is_array()) {
    for (const auto& t : type.get_array()) {
      if (!t.is_string()) return path + ": the tool's schema has a non-string entry in \"type\"";
      if (has_type(value, t.get_string())) return {};
      if (!expected.empty()) expected += " or ";
      expected += t.get_string();
    }
  } else {
    return path + ": the tool's schema has a \"type\" that is neither a string nor a list";
  }
  return path + ": expected " + expected + ", got " + std::string(kind_name(value));
}

std::string object_mismatch(const boost::json::object& schema, const boost::json::object& value,
                            const std::string& path) {
  const auto* properties = schema.if_contains("properties");
  if (const auto* required = schema.if_contains("required"); required && required->is_array()) {
    for (const auto& name : required->get_array()) {
      if (name.is_string() && !value.contains(name.get_string()))
        return path + ": missing required property \"" + std::string(name.get_string()) + "\"";
    }
  }
  if (properties && properties->is_object()) {
    for (const auto& [key, sub] : properties->get_object()) {
      const auto* member = value.if_contains(key);
      if (!member || !sub.is_object()) continue;
      if (auto problem =
              input_schema_mismatch(sub.get_object(), *member, path + "." + std::string(key));
          !problem.empty())
        return problem;
    }
  }
  if (const auto* extra = schema.if_contains("additionalProperties");
      extra && extra->is_bool() && !extra->get_bool()) {
    for (const auto& kv : value) {
      const bool declared =
          properties && properties->is_object() && properties->get_object().contains(kv.key());
      if (!declared) return path + ": unexpected property \"" + std::string(kv.key()) + "\"";
    }
  }
  return {};
}

}  // namespace

std::string input_schema_mismatch(const boost::json::object& schema,
                                  const boost::json::value& value, const std::string& path) {
  if (const auto* type = schema.if_contains("type")) {
    if (auto problem = type_mismatch(*type, value, path); !problem.empty()) return problem;
  }
  if (value.is_object()) return object_mismatch(schema, value.get_object(), path);
  if (value.is_array()) {
    const auto* items = schema.if_contains("items");
    if (!items || !items->is_object()) return {};
    const auto& array = value.get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (auto problem = input_schema_mismatch(items->get_object(), array[i],
                                               path + "[" + std::to_string(i) + "]");
          !problem.empty())
        return problem;
    }
  }
  return {};
}

}  // namespace agenthost::execution
