#include "schema/listing_constraints.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/internal/adapter.hpp>
#include <valijson/internal/frozen_value.hpp>
#include <valijson/validation_results.hpp>

#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace agenthost::schema {
namespace {

using valijson::adapters::Adapter;

// How much of the allowed values an error lists.
constexpr std::size_t kListedLength = 120;

// A constraint valijson can copy: shares its immutable state between copies.
template <class Self, class State>
class SharedStateConstraint : public valijson::constraints::PolyConstraint {
 public:
  explicit SharedStateConstraint(std::shared_ptr<const State> state) : state_(std::move(state)) {}

 protected:
  const State& state() const { return *state_; }

 private:
  Constraint* cloneInto(void* where) const override { return new (where) Self(state_); }
  size_t sizeOf() const override { return sizeof(Self); }
  std::shared_ptr<const State> state_;
};

// JSON text of an adapter value, stopping once `out` is past kListedLength.
void write_json(const Adapter& v, std::string& out) {
  if (out.size() > kListedLength) return;
  if (v.isNull()) {
    out += "null";
  } else if (v.isBool()) {
    out += v.getBool() ? "true" : "false";
  } else if (v.isInteger()) {
    out += std::to_string(v.getInteger());
  } else if (v.isNumber()) {
    out += boost::json::serialize(boost::json::value(v.getNumber()));
  } else if (v.isString()) {
    out += boost::json::serialize(boost::json::value(v.getString()));
  } else if (v.isArray()) {
    out += '[';
    bool first = true;
    v.applyToArray([&](const Adapter& e) {
      if (!first) out += ',';
      first = false;
      write_json(e, out);
      return out.size() <= kListedLength;
    });
    out += ']';
  } else if (v.isObject()) {
    out += '{';
    bool first = true;
    v.applyToObject([&](const std::string& key, const Adapter& e) {
      if (!first) out += ',';
      first = false;
      out += boost::json::serialize(boost::json::value(key)) + ":";
      write_json(e, out);
      return out.size() <= kListedLength;
    });
    out += '}';
  }
}

std::string cut(std::string listed) {
  if (listed.size() > kListedLength) listed = listed.substr(0, kListedLength) + "...";
  return listed;
}

enum class Type { null, boolean, object, array, string, integer, number };

Type type_named(const std::string& name) {
  if (name == "null") return Type::null;
  if (name == "boolean") return Type::boolean;
  if (name == "object") return Type::object;
  if (name == "array") return Type::array;
  if (name == "string") return Type::string;
  if (name == "integer") return Type::integer;
  return Type::number;  // check_schema() allows no other name
}

bool has_type(const Adapter& v, Type type) {
  switch (type) {
    case Type::null:
      return v.isNull();
    case Type::boolean:
      return v.isBool();
    case Type::object:
      return v.isObject();
    case Type::array:
      return v.isArray();
    case Type::string:
      return v.isString();
    case Type::integer:
      return v.isInteger();
    case Type::number:
      return v.isNumber();
  }
  return false;
}

struct TypeState {
  std::vector<Type> types;
  std::string listed;  // "string or null"
};

class TypeConstraint final : public SharedStateConstraint<TypeConstraint, TypeState> {
 public:
  using SharedStateConstraint::SharedStateConstraint;
  bool validate(const Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    for (const Type type : state().types)
      if (has_type(target, type)) return true;
    if (results) results->pushError(context, std::string(kTypeMismatch) + state().listed);
    return false;
  }
};

struct EnumState {
  std::vector<std::unique_ptr<const valijson::adapters::FrozenValue>> values;
  std::string listed;  // "\"celsius\", \"fahrenheit\""
};

class EnumConstraint final : public SharedStateConstraint<EnumConstraint, EnumState> {
 public:
  using SharedStateConstraint::SharedStateConstraint;
  bool validate(const Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    for (const auto& value : state().values)
      if (value->equalTo(target, true)) return true;
    if (results) results->pushError(context, std::string(kEnumMismatch) + state().listed);
    return false;
  }
};

}  // namespace

valijson::constraints::Constraint* TypeBuilder::make(const Adapter& value) const {
  auto state = std::make_shared<TypeState>();
  const auto add = [&](const Adapter& name) {
    state->types.push_back(type_named(name.getString()));
    if (!state->listed.empty()) state->listed += " or ";
    state->listed += name.getString();
    return true;
  };
  if (value.isString())
    add(value);
  else
    value.applyToArray(add);
  return new TypeConstraint(std::move(state));
}

valijson::constraints::Constraint* EnumBuilder::make(const Adapter& value) const {
  auto state = std::make_shared<EnumState>();
  value.applyToArray([&](const Adapter& e) {
    state->values.emplace_back(e.freeze());
    if (state->listed.size() <= kListedLength) {
      if (!state->listed.empty()) state->listed += ", ";
      write_json(e, state->listed);
    }
    return true;
  });
  state->listed = cut(std::move(state->listed));
  return new EnumConstraint(std::move(state));
}

}  // namespace agenthost::schema
