#include "config/schema.hpp"

#include <algorithm>

#include "config/key_suggestion.hpp"
#include "config/value_readers.hpp"

namespace agenthost::config {

std::vector<std::string> SchemaDoc::keys() const {
  std::vector<std::string> keys;
  for (const auto& field : fields) keys.push_back(field.key);
  return keys;
}

std::vector<std::string> SchemaDoc::undeclared_reload(const std::string& prefix) const {
  std::vector<std::string> out;
  for (const auto& field : fields) {
    const auto key = prefix.empty() ? field.key : prefix + "." + field.key;
    if (field.nested != nullptr) {
      for (auto& k : field.nested->undeclared_reload(key)) out.push_back(std::move(k));
    } else if (field.reload == Reload::undeclared) {
      out.push_back(key);
    }
  }
  return out;
}

std::string_view to_string(Reload reload) {
  switch (reload) {
    case Reload::live:
    case Reload::live_secret:
      return "live";
    case Reload::restart:
      return "restart";
    case Reload::undeclared:
      break;
  }
  return "";
}

void read_mapping(const ValueRef& value, const SchemaDoc& doc, LoadContext& ctx,
                  const std::function<void(std::size_t, const ValueRef&)>& on_field) {
  const std::vector<std::string> keys = doc.keys();
  const std::string allowed = join_words(keys);
  read_entries(value, ctx, "a mapping with the keys " + allowed,
               [&](const std::string& key, SourcePosition key_at, const ValueRef& field) {
                 const auto found = std::find(keys.begin(), keys.end(), key);
                 if (found == keys.end()) {
                   ctx.report(key_at, field.path,
                              "unknown key '" + key + "';" + did_you_mean(key, keys) +
                                  " allowed keys here: " + allowed);
                   return;
                 }
                 on_field(static_cast<std::size_t>(found - keys.begin()), field);
               });
}

namespace {

// Table cells must not end the cell or the row early.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string code_cell(std::string_view text) {
  return text.empty() ? std::string() : "`" + cell(text) + "`";
}

// One row per key; a nested mapping (auth.jwt) gets its own row, then its keys' rows.
void describe_rows(const SchemaDoc& doc, const std::string& prefix, std::string& out) {
  for (const auto& field : doc.fields) {
    out += "| " + code_cell(prefix + field.key) + " | " + cell(field.type) + " | " +
           code_cell(field.default_value) + " | " + cell(field.allowed) + " | " +
           std::string(to_string(field.reload)) + " | " + cell(field.description) + " |\n";
    if (field.nested != nullptr) describe_rows(*field.nested, prefix + field.key + ".", out);
  }
}

void describe_section(const FieldDoc& section, std::string& out) {
  out += "### `" + section.key + "`\n\n";
  out += section.description + "\n\n";
  out += "| Key | Type | Default | Allowed | Reload | Description |\n";
  out += "|-----|------|---------|---------|--------|-------------|\n";
  describe_rows(*section.nested,
                section.key + "." + (section.entry_key.empty() ? "" : section.entry_key + "."),
                out);
}

}  // namespace

std::string describe_markdown(const SchemaDoc& root) {
  std::string out;
  for (const auto& section : root.fields) {
    if (section.nested == nullptr) continue;
    if (!out.empty()) out += '\n';
    describe_section(section, out);
  }
  return out;
}

}  // namespace agenthost::config
