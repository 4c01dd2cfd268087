// valijson is included here and in the constraint files only: it is heavy to
// compile, and nothing outside this component sees its types.
#include "schema/compiled_schema.hpp"

#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <exception>
#include <utility>
#include <vector>

#include "schema/error_text.hpp"
#include "schema/instance_limits.hpp"
#include "schema/listing_constraints.hpp"
#include "schema/re2_pattern_constraint.hpp"
#include "schema/schema_check.hpp"

namespace agenthost::schema {

SchemaError::SchemaError(std::string keyword, std::string schema_pointer,
                         const std::string& problem)
    : std::invalid_argument(
          "schema " + (schema_pointer.empty() ? std::string("root") : "pointer " + schema_pointer) +
          (keyword.empty() ? std::string() : " (\"" + keyword + "\")") + ": " + problem),
      keyword_(std::move(keyword)),
      schema_pointer_(std::move(schema_pointer)) {}

struct CompiledSchema::Impl {
  boost::json::object source;
  CheckedSchema checked;  // what `compiled` was parsed from
  valijson::Schema compiled;
};

CompiledSchema::CompiledSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledSchema::~CompiledSchema() = default;

const boost::json::object& CompiledSchema::source() const noexcept { return impl_->source; }

std::optional<ValidationError> CompiledSchema::validate(const boost::json::value& instance) const {
  if (auto limit = instance_limit_problem(instance, impl_->checked.uses_pattern_properties))
    return limit;
  // A Validator caches std::regex objects: one per call keeps validate() thread-safe.
  valijson::Validator validator;
  const valijson::adapters::BoostJsonAdapter target(instance);
  // First without collecting errors: valijson then stops at the first failure and
  // builds no error contexts, which is the common, fitting case's cost.
  if (validator.validate(impl_->compiled, target, nullptr)) return std::nullopt;
  valijson::ValidationResults results;
  validator.validate(impl_->compiled, target, &results);
  std::vector<RawError> errors;
  for (const auto& e : results) errors.push_back({e.context, e.description});
  if (errors.empty()) errors.push_back({{"<root>"}, "does not fit the schema"});
  return explain(errors, instance);
}

std::shared_ptr<const CompiledSchema> compile(const boost::json::object& schema) {
  auto impl = std::make_unique<CompiledSchema::Impl>();
  impl->source = schema;
  impl->checked = check_schema(schema);
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  // The parser owns and deletes its builders.
  parser.addConstraintBuilder(kRe2PatternKeyword, new Re2PatternBuilder);
  parser.addConstraintBuilder(kTypeKeyword, new TypeBuilder);
  parser.addConstraintBuilder(kEnumKeyword, new EnumBuilder);
  try {
    const valijson::adapters::BoostJsonAdapter adapter(impl->checked.for_valijson);
    parser.populateSchema(adapter, impl->compiled);
  } catch (const std::exception& e) {
    // check_schema() refuses what it knows to be malformed; this is what is left.
    throw SchemaError("", "", std::string("the validator refused it: ") + e.what());
  }
  return std::shared_ptr<const CompiledSchema>(new CompiledSchema(std::move(impl)));
}

}  // namespace agenthost::schema
