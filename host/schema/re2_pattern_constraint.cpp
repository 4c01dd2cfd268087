#include "schema/re2_pattern_constraint.hpp"

#include <re2/re2.h>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/internal/adapter.hpp>
#include <valijson/validation_results.hpp>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "schema/schema_limits.hpp"

namespace agenthost::schema {
namespace {

class Re2PatternConstraint final : public valijson::constraints::PolyConstraint {
 public:
  explicit Re2PatternConstraint(std::shared_ptr<const RE2> re) : re_(std::move(re)) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;
    if (RE2::PartialMatch(target.asString(), *re_)) return true;
    if (results) results->pushError(context, std::string(kPatternMismatch) + re_->pattern());
    return false;
  }

 private:
  // valijson copies constraints into its own storage through these two.
  Constraint* cloneInto(void* where) const override {
    return new (where) Re2PatternConstraint(re_);
  }
  size_t sizeOf() const override { return sizeof(Re2PatternConstraint); }

  std::shared_ptr<const RE2> re_;  // RE2 matching is thread-safe; copies share it
};

}  // namespace

valijson::constraints::Constraint* Re2PatternBuilder::make(
    const valijson::adapters::Adapter& value) const {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxPatternMemory);
  auto re = std::make_shared<const RE2>(value.asString(), options);
  // check_schema() compiled the same pattern with the same options already.
  if (!re->ok()) throw std::invalid_argument("pattern refused by RE2: " + re->error());
  return new Re2PatternConstraint(std::move(re));
}

}  // namespace agenthost::schema
