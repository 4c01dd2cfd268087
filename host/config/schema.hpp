#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "config/load_context.hpp"

namespace agenthost::config {

struct SchemaDoc;

/// Documentation of one key: what docs/configuration.md shows for it.
struct FieldDoc {
  std::string key;
  std::string type;                   ///< "integer", "string", "duration", "mapping", ...
  std::string default_value;          ///< as one would write it in YAML; "" when none
  std::string allowed;                ///< range or choices; "" when any value of the type
  std::string description;            ///< one line
  const SchemaDoc* nested = nullptr;  ///< for a section: its own keys
};

/// Documentation of a mapping: its description and keys, in file order.
struct SchemaDoc {
  std::string description;
  std::vector<FieldDoc> fields;

  std::vector<std::string> keys() const;
};

/// Reads a YAML mapping against `doc`: refuses a value that is not a mapping, non-scalar and
/// duplicate keys, and unknown keys (with a did-you-mean and the allowed keys), reporting
/// into `ctx`. Calls `on_field(index into doc.fields, value)` for each accepted key.
void read_mapping(const ValueRef& value, const SchemaDoc& doc, LoadContext& ctx,
                  const std::function<void(std::size_t, const ValueRef&)>& on_field);

/// The keys of a mapping and how to read each into a `T`. The same object validates a
/// YAML mapping, fills the struct (keys not given keep the struct's defaults) and documents
/// the keys. Built once (function-local static) and then only read, from any thread.
template <class T>
class ObjectSchema {
 public:
  /// Reads one present key's value into the struct, or reports why it cannot.
  using Reader = std::function<void(const ValueRef& value, T& out, LoadContext& ctx)>;

  struct Field {
    FieldDoc doc;
    Reader read;
  };

  ObjectSchema(std::string description, std::vector<Field> fields) {
    doc_.description = std::move(description);
    for (auto& field : fields) {
      doc_.fields.push_back(std::move(field.doc));
      readers_.push_back(std::move(field.read));
    }
  }

  /// Reads a mapping into `out`; every problem goes to `ctx`, and the keys that are valid
  /// are still read so that one pass finds every problem.
  void read(const ValueRef& value, T& out, LoadContext& ctx) const {
    read_mapping(value, doc_, ctx, [&](std::size_t index, const ValueRef& field) {
      readers_[index](field, out, ctx);
    });
  }

  const SchemaDoc& doc() const { return doc_; }

 private:
  SchemaDoc doc_;
  std::vector<Reader> readers_;
};

/// Markdown for the sections of `root` (a mapping whose keys are sections): per section a
/// heading, its description and a table of keys with type, default, allowed values and
/// description.
std::string describe_markdown(const SchemaDoc& root);

}  // namespace agenthost::config
