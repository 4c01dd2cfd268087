#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/load_context.hpp"

namespace agenthost::config {

struct SchemaDoc;

/// What a SIGHUP reload does with a changed key. Every key declares one (a test walks
/// the schema): the reload plan is derived from these, so a new key cannot be
/// forgotten by it.
enum class Reload {
  undeclared,   ///< a key nobody classified yet: treated as restart, refused by the tests
  live,         ///< applied to the running host; the log shows old -> new
  live_secret,  ///< applied live; the log shows only that it changed
  restart,      ///< built into running parts: the running value is kept until a restart
};

/// "live" or "restart" (docs), "" for undeclared.
std::string_view to_string(Reload reload);

/// What a reload of one configuration by another changes, key by key.
struct ReloadPlan {
  /// One line per live change, "key: old -> new" (secrets: "key: changed").
  std::vector<std::string> live;
  /// Dotted keys that changed and need a restart.
  std::vector<std::string> needs_restart;
};

/// Documentation of one key: what docs/configuration.md shows for it.
struct FieldDoc {
  std::string key;
  std::string type;                   ///< "integer", "string", "duration", "mapping", ...
  std::string default_value;          ///< as one would write it in YAML; "" when none
  std::string allowed;                ///< range or choices; "" when any value of the type
  std::string description;            ///< one line
  const SchemaDoc* nested = nullptr;  ///< for a section: its own keys
  /// For a section of named entries (models): the name's placeholder ("<name>") shown
  /// between the section and each key; "" for a plain section.
  std::string entry_key;
  Reload reload = Reload::undeclared;  ///< for a key (not a section)
};

/// Documentation of a mapping: its description and keys, in file order.
struct SchemaDoc {
  std::string description;
  std::vector<FieldDoc> fields;

  std::vector<std::string> keys() const;
  /// Dotted paths (under `prefix`) of the keys, nested ones too, that declare no
  /// Reload kind.
  std::vector<std::string> undeclared_reload(const std::string& prefix = "") const;
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
  /// A key: how its value changed between two structs ("old -> new"), nullopt if not.
  using Change = std::function<std::optional<std::string>(const T& before, const T& after)>;
  /// A key: copies its value; a section: copies its live keys.
  using Assign = std::function<void(const T& from, T& to)>;
  /// A section: adds its keys' changes (dotted under the given key) to the plan.
  using Plan = std::function<void(const T& before, const T& after, const std::string& key,
                                  ReloadPlan& plan)>;

  struct Field {
    FieldDoc doc;
    Reader read;
    Change change;  ///< a key's; empty for a section
    Assign assign;  ///< a key's value, or a section's live keys
    Plan plan;      ///< a section's; empty for a key

    /// The key's reload kind (see Reload).
    Field live() && { return std::move(*this).reload(Reload::live); }
    Field live_secret() && { return std::move(*this).reload(Reload::live_secret); }
    Field restart() && { return std::move(*this).reload(Reload::restart); }
    Field reload(Reload kind) && {
      doc.reload = kind;
      return std::move(*this);
    }
  };

  ObjectSchema(std::string description, std::vector<Field> fields) {
    doc_.description = std::move(description);
    for (auto& field : fields) {
      doc_.fields.push_back(std::move(field.doc));
      readers_.push_back(std::move(field.read));
      changes_.push_back(std::move(field.change));
      assigns_.push_back(std::move(field.assign));
      plans_.push_back(std::move(field.plan));
    }
  }

  /// Adds what changes from `before` to `after` to `plan`, keys dotted under
  /// `prefix`, in schema order: by each key's declared Reload kind.
  void plan_reload(const T& before, const T& after, const std::string& prefix,
                   ReloadPlan& plan) const {
    for (std::size_t i = 0; i < doc_.fields.size(); ++i) {
      const auto& field = doc_.fields[i];
      const auto key = prefix.empty() ? field.key : prefix + "." + field.key;
      if (plans_[i]) {
        plans_[i](before, after, key, plan);
        continue;
      }
      const auto change = changes_[i](before, after);
      if (!change) continue;
      if (field.reload == Reload::live)
        plan.live.push_back(key + ": " + *change);
      else if (field.reload == Reload::live_secret)
        plan.live.push_back(key + ": changed");
      else
        plan.needs_restart.push_back(key);
    }
  }

  /// Copies the live keys (nested ones too) of `from` into `to`.
  void assign_live(const T& from, T& to) const {
    for (std::size_t i = 0; i < doc_.fields.size(); ++i) {
      const auto kind = doc_.fields[i].reload;
      if (plans_[i] || kind == Reload::live || kind == Reload::live_secret) assigns_[i](from, to);
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
  std::vector<Change> changes_;
  std::vector<Assign> assigns_;
  std::vector<Plan> plans_;
};

/// Markdown for the sections of `root` (a mapping whose keys are sections): per section a
/// heading, its description and a table of keys with type, default, allowed values and
/// description; a nested mapping's keys follow its row, dotted under it.
std::string describe_markdown(const SchemaDoc& root);

}  // namespace agenthost::config
