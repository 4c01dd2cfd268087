#pragma once
/// \file
/// The host's one JSON Schema component (draft 7), used for every schema the host
/// checks: agents' and tools' input schemas, `ask` answers, model response formats.
/// A schema is checked and compiled once (compile()); the CompiledSchema then
/// validates any number of instances, from any thread, without recompiling.
/// Dialect, keywords, limits: docs/plugin-guide.md, "Input schemas".

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace agenthost::schema {

/// A schema refused by compile(): `keyword` is the keyword at fault ("" when the
/// fault is not one keyword's, such as the schema's size), `schema_pointer` the JSON
/// pointer of the offending value inside the schema ("" is the root). what() reads
/// `schema /properties/unit/enum ("enum"): expected a non-empty array`.
class SchemaError : public std::invalid_argument {
 public:
  SchemaError(std::string keyword, std::string schema_pointer, const std::string& problem);
  const std::string& keyword() const noexcept { return keyword_; }
  const std::string& schema_pointer() const noexcept { return schema_pointer_; }

 private:
  std::string keyword_;
  std::string schema_pointer_;
};

/// Why an instance does not fit. Every field is short: `message` (all three put
/// together, see describe()) is capped at kMaxErrorLength characters and quotes at
/// most a few dozen characters of the instance, never the whole document.
struct ValidationError {
  std::string instance_pointer;  ///< where in the instance, "" being the root
  std::string keyword;           ///< the keyword that failed, e.g. "enum"
  std::string expected;          ///< what was expected, e.g. `one of "c", "f"`
  /// `/unit: "enum" failed: expected one of "celsius", "fahrenheit"` (capped).
  std::string describe() const;
};

/// Longest describe() text: fits an error frame or a model's tool-error message.
inline constexpr std::size_t kMaxErrorLength = 300;

class CompiledSchema {
 public:
  ~CompiledSchema();
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;

  /// The first reason `instance` does not fit, or nothing when it fits. An instance
  /// over the limits (depth, size, see schema_limits.hpp) does not fit either.
  /// Thread-safe: the compiled schema is immutable.
  std::optional<ValidationError> validate(const boost::json::value& instance) const;

  /// The schema as the plugin wrote it.
  const boost::json::object& source() const noexcept;

 private:
  struct Impl;
  explicit CompiledSchema(std::unique_ptr<Impl> impl);
  friend std::shared_ptr<const CompiledSchema> compile(const boost::json::object& schema);
  std::unique_ptr<Impl> impl_;
};

/// Checks `schema` against draft 7 and the host's limits, and compiles it. Throws
/// SchemaError naming the keyword and the schema pointer at fault: an unknown
/// keyword, a keyword with a value of the wrong kind, a `$ref` that leaves the
/// schema (no remote fetching) or points at nothing, a regular expression RE2
/// cannot compile, a schema too deep or too large. An empty schema accepts anything.
std::shared_ptr<const CompiledSchema> compile(const boost::json::object& schema);

}  // namespace agenthost::schema
