#include "schema/schema_check.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/compiled_schema.hpp"
#include "schema/json_pointer.hpp"
#include "schema/regex_rules.hpp"
#include "schema/schema_limits.hpp"

namespace agenthost::schema {
namespace {

// What each draft-7 keyword's value must be.
enum class Kind {
  schema,            // one subschema
  in_place_schema,   // one subschema applied to the same instance (not, if, ...)
  schema_map,        // properties, definitions
  pattern_map,       // patternProperties
  in_place_array,    // allOf, anyOf, oneOf
  items,             // a subschema or an array of them
  dependencies,      // property -> subschema or property names
  type,              // a type name or an array of them
  any,               // const, default
  array,             // enum, examples
  non_negative_int,  // maxLength, minItems, ...
  number,            // maximum, minimum, ...
  positive_number,   // multipleOf
  string,            // format, title, ...
  pattern,           // pattern
  string_set,        // required
  boolean,           // uniqueItems, readOnly, writeOnly
  ref,               // $ref
  id,                // $id
  dialect            // $schema
};

const std::map<std::string_view, Kind>& keywords() {
  static const std::map<std::string_view, Kind> table{
      {"additionalItems", Kind::schema},
      {"additionalProperties", Kind::schema},
      {"contains", Kind::schema},
      {"propertyNames", Kind::schema},
      {"not", Kind::in_place_schema},
      {"if", Kind::in_place_schema},
      {"then", Kind::in_place_schema},
      {"else", Kind::in_place_schema},
      {"properties", Kind::schema_map},
      {"definitions", Kind::schema_map},
      {"patternProperties", Kind::pattern_map},
      {"allOf", Kind::in_place_array},
      {"anyOf", Kind::in_place_array},
      {"oneOf", Kind::in_place_array},
      {"items", Kind::items},
      {"dependencies", Kind::dependencies},
      {"type", Kind::type},
      {"const", Kind::any},
      {"default", Kind::any},
      {"enum", Kind::array},
      {"examples", Kind::array},
      {"maxLength", Kind::non_negative_int},
      {"minLength", Kind::non_negative_int},
      {"maxItems", Kind::non_negative_int},
      {"minItems", Kind::non_negative_int},
      {"maxProperties", Kind::non_negative_int},
      {"minProperties", Kind::non_negative_int},
      {"maximum", Kind::number},
      {"minimum", Kind::number},
      {"exclusiveMaximum", Kind::number},
      {"exclusiveMinimum", Kind::number},
      {"multipleOf", Kind::positive_number},
      {"format", Kind::string},
      {"title", Kind::string},
      {"description", Kind::string},
      {"$comment", Kind::string},
      {"contentMediaType", Kind::string},
      {"contentEncoding", Kind::string},
      {"pattern", Kind::pattern},
      {"required", Kind::string_set},
      {"uniqueItems", Kind::boolean},
      {"readOnly", Kind::boolean},
      {"writeOnly", Kind::boolean},
      {"$ref", Kind::ref},
      {"$id", Kind::id},
      {"$schema", Kind::dialect},
  };
  return table;
}

const std::set<std::string_view> kTypeNames{"null",   "boolean", "object", "array",
                                            "number", "integer", "string"};

bool is_non_negative_integer(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64() >= 0;
  if (v.is_uint64()) return true;
  if (v.is_double()) {
    const double d = v.get_double();
    return std::isfinite(d) && d >= 0 && std::floor(d) == d;
  }
  return false;
}

bool is_unique_string_array(const boost::json::value& v,
                            const std::set<std::string_view>* allowed) {
  if (!v.is_array()) return false;
  std::set<std::string_view> seen;
  for (const auto& e : v.get_array()) {
    if (!e.is_string()) return false;
    if (allowed && !allowed->contains(e.get_string())) return false;
    if (!seen.insert(e.get_string()).second) return false;
  }
  return true;
}

class Checker {
 public:
  void run(boost::json::value& root) {
    check_schema(root, "", 0, "");
    resolve_refs();
    refuse_in_place_cycles();
  }
  bool uses_pattern_properties = false;

 private:
  struct Ref {
    std::string from;    // the schema holding the $ref
    std::string target;  // the $ref's value
    std::string at;      // the pointer of the $ref keyword
  };

  [[noreturn]] static void refuse(std::string_view keyword, const std::string& pointer,
                                  const std::string& problem) {
    throw SchemaError(std::string(keyword), pointer, problem);
  }

  void enter(const std::string& pointer, std::size_t depth, std::string_view keyword) {
    if (++values_ > kMaxSchemaValues)
      refuse(keyword, pointer,
             "the schema has more than " + std::to_string(kMaxSchemaValues) + " JSON values");
    if (depth > kMaxSchemaDepth)
      refuse(keyword, pointer,
             "the schema nests deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
  }

  // Counts a value that is data, not schema (enum, const, default, x- extensions).
  void count(const boost::json::value& v, const std::string& pointer, std::size_t depth,
             std::string_view keyword) {
    enter(pointer, depth, keyword);
    if (v.is_array()) {
      for (const auto& e : v.get_array()) count(e, pointer, depth + 1, keyword);
    } else if (v.is_object()) {
      for (const auto& m : v.get_object()) count(m.value(), pointer, depth + 1, keyword);
    }
  }

  void check_schema(boost::json::value& v, const std::string& pointer, std::size_t depth,
                    std::string_view keyword) {
    enter(pointer, depth, keyword);
    schemas_.insert(pointer);
    if (v.is_bool()) return;
    if (!v.is_object()) refuse(keyword, pointer, "expected a schema (an object or a boolean)");
    auto& object = v.get_object();
    for (auto& member : object) {
      const std::string_view name = member.key();
      const std::string at = append_pointer(pointer, name);
      if (name.starts_with("x-")) {
        count(member.value(), at, depth + 1, name);
        continue;
      }
      const auto kind = keywords().find(name);
      if (kind == keywords().end())
        refuse(name, at,
               "not a draft-7 keyword (extensions must start with \"x-\"; 2019-09 and later "
               "keywords such as $defs or prefixItems are not supported)");
      check_keyword(name, kind->second, member.value(), pointer, at, depth + 1);
    }
    // The host's own constraints check these (see kRe2PatternKeyword).
    for (const auto& [original, renamed] :
         {std::pair{"pattern", kRe2PatternKeyword}, std::pair{"type", kTypeKeyword},
          std::pair{"enum", kEnumKeyword}}) {
      if (auto* value = object.if_contains(original)) {
        boost::json::value moved = std::move(*value);
        object.erase(original);
        object[renamed] = std::move(moved);
      }
    }
  }

  void check_keyword(std::string_view name, Kind kind, boost::json::value& v,
                     const std::string& schema, const std::string& at, std::size_t depth) {
    switch (kind) {
      case Kind::schema:
        return check_schema(v, at, depth, name);
      case Kind::in_place_schema:
        in_place_[schema].push_back(at);
        return check_schema(v, at, depth, name);
      case Kind::schema_map:
      case Kind::pattern_map:
        if (!v.is_object()) refuse(name, at, "expected an object of schemas");
        enter(at, depth, name);
        for (auto& member : v.get_object()) {
          const std::string sub = append_pointer(at, member.key());
          if (kind == Kind::pattern_map) {
            uses_pattern_properties = true;
            if (auto problem = property_pattern_problem(member.key()); !problem.empty())
              refuse(name, sub, problem);
          }
          check_schema(member.value(), sub, depth + 1, name);
        }
        return;
      case Kind::in_place_array:
        if (!v.is_array() || v.get_array().empty())
          refuse(name, at, "expected a non-empty array of schemas");
        [[fallthrough]];
      case Kind::items:
        if (v.is_array()) {
          enter(at, depth, name);
          auto& items = v.get_array();
          for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string sub = append_pointer(at, std::to_string(i));
            if (kind == Kind::in_place_array) in_place_[schema].push_back(sub);
            check_schema(items[i], sub, depth + 1, name);
          }
          return;
        }
        return check_schema(v, at, depth, name);
      case Kind::dependencies:
        if (!v.is_object())
          refuse(name, at, "expected an object of schemas or arrays of property names");
        enter(at, depth, name);
        for (auto& member : v.get_object()) {
          const std::string sub = append_pointer(at, member.key());
          if (member.value().is_array()) {
            if (!is_unique_string_array(member.value(), nullptr))
              refuse(name, sub, "expected an array of unique property names");
            count(member.value(), sub, depth + 1, name);
          } else {
            in_place_[schema].push_back(sub);
            check_schema(member.value(), sub, depth + 1, name);
          }
        }
        return;
      case Kind::type:
        if (v.is_string() ? !kTypeNames.contains(v.get_string())
                          : !is_unique_string_array(v, &kTypeNames) || v.get_array().empty())
          refuse(name, at,
                 "expected one of null, boolean, object, array, number, integer, string, "
                 "or a non-empty array of distinct ones");
        return count(v, at, depth, name);
      case Kind::any:
        return count(v, at, depth, name);
      case Kind::array:
        if (!v.is_array() || (name == "enum" && v.get_array().empty()))
          refuse(name, at, name == "enum" ? "expected a non-empty array" : "expected an array");
        return count(v, at, depth, name);
      case Kind::non_negative_int:
        if (!is_non_negative_integer(v)) refuse(name, at, "expected a non-negative integer");
        return count(v, at, depth, name);
      case Kind::number:
        if (!v.is_number()) refuse(name, at, "expected a number");
        return count(v, at, depth, name);
      case Kind::positive_number:
        if (!v.is_number() || v.to_number<double>() <= 0)
          refuse(name, at, "expected a number greater than 0");
        return count(v, at, depth, name);
      case Kind::string:
        if (!v.is_string()) refuse(name, at, "expected a string");
        return count(v, at, depth, name);
      case Kind::pattern:
        if (!v.is_string()) refuse(name, at, "expected a string (a regular expression)");
        if (auto problem = pattern_problem(v.get_string()); !problem.empty())
          refuse(name, at, problem);
        return count(v, at, depth, name);
      case Kind::string_set:
        if (!is_unique_string_array(v, nullptr))
          refuse(name, at, "expected an array of unique property names");
        return count(v, at, depth, name);
      case Kind::boolean:
        if (!v.is_bool()) refuse(name, at, "expected true or false");
        return count(v, at, depth, name);
      case Kind::ref:
        if (!v.is_string() || !v.get_string().starts_with("#"))
          refuse(name, at,
                 "expected a reference inside this schema, starting with \"#\" (remote "
                 "references are never fetched)");
        refs_.push_back({schema, std::string(v.get_string()), at});
        return count(v, at, depth, name);
      case Kind::id:
        if (!v.is_string()) refuse(name, at, "expected a string");
        if (!schema.empty()) {
          // Below the root only a plain-name anchor: a new base URI would make "#/..."
          // references inside it mean another document.
          const std::string_view id = v.get_string();
          if (id.size() < 2 || !id.starts_with("#") || id.find('/') != id.npos)
            refuse(name, at,
                   "below the root, only a plain-name anchor like \"#address\" (one schema "
                   "is one document)");
          anchors_[std::string(id)] = schema;
        }
        return count(v, at, depth, name);
      case Kind::dialect:
        if (!v.is_string() || (v.get_string() != "http://json-schema.org/draft-07/schema#" &&
                               v.get_string() != "http://json-schema.org/draft-07/schema"))
          refuse(name, at,
                 "expected \"http://json-schema.org/draft-07/schema#\": draft 7 is the only "
                 "dialect");
        return count(v, at, depth, name);
    }
  }

  void resolve_refs() {
    for (const auto& ref : refs_) {
      bool is_pointer = false;
      std::string target = fragment_pointer(ref.target, is_pointer);
      if (!is_pointer) {
        const auto anchor = anchors_.find(ref.target);
        if (anchor == anchors_.end())
          refuse("$ref", ref.at, "\"" + ref.target + "\" names no \"$id\" anchor in this schema");
        target = anchor->second;
      }
      if (!schemas_.contains(target))
        refuse("$ref", ref.at,
               "\"" + ref.target + "\" does not point at a subschema of this schema");
      in_place_[ref.from].push_back(target);
    }
  }

  // A cycle of subschemas applied to the same instance (through $ref, allOf, not,
  // ...) would make validation recurse forever.
  void refuse_in_place_cycles() {
    std::map<std::string, int> state;  // 1: on the current path, 2: done
    for (const auto& [from, to] : in_place_) visit(from, state);
  }

  void visit(const std::string& node, std::map<std::string, int>& state) {
    int& s = state[node];
    if (s == 2) return;
    if (s == 1)
      refuse("$ref", node,
             "a cycle of references that never descends into the instance (it would "
             "recurse forever)");
    s = 1;
    if (const auto edges = in_place_.find(node); edges != in_place_.end())
      for (const auto& next : edges->second) visit(next, state);
    state[node] = 2;
  }

  std::size_t values_ = 0;
  std::set<std::string> schemas_;
  std::map<std::string, std::string> anchors_;
  std::vector<Ref> refs_;
  std::map<std::string, std::vector<std::string>> in_place_;
};

}  // namespace

CheckedSchema check_schema(const boost::json::object& schema) {
  CheckedSchema out{.for_valijson = boost::json::value(schema)};
  Checker checker;
  checker.run(out.for_valijson);
  out.uses_pattern_properties = checker.uses_pattern_properties;
  return out;
}

}  // namespace agenthost::schema
