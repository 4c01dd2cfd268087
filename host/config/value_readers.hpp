#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/duration.hpp"
#include "config/load_context.hpp"

namespace agenthost::config {

// Readers of single YAML values, shared by the section schemas. Each returns nullopt after
// reporting into the context why the value is refused. Scalars are expanded for ${VAR}.
// Quoted and plain scalars are read alike ("8080" is the integer 8080), so a quoted
// ${VAR:-8080} works as a number.

/// True for a key given without a value (`key:`) or with `~` / `null`.
bool is_null(const ValueRef& value);

/// The scalar's text after ${VAR} expansion. `expected` names what was wanted ("a string",
/// "an integer") for the message when the value is a mapping, a list or missing.
std::optional<std::string> read_scalar_text(const ValueRef& value, LoadContext& ctx,
                                            std::string_view expected);

std::optional<std::string> read_string(const ValueRef& value, LoadContext& ctx);

/// A whole decimal number; the caller checks the range.
std::optional<std::int64_t> read_integer(const ValueRef& value, LoadContext& ctx);

std::optional<Duration> read_duration(const ValueRef& value, LoadContext& ctx);

/// Calls `on_item(index, item)` for each element of a YAML list; refuses anything else.
void read_list(const ValueRef& value, LoadContext& ctx, std::string_view expected,
               const std::function<void(std::size_t, const ValueRef&)>& on_item);

/// Calls `on_entry(key, key position, value)` for each entry of a YAML mapping with
/// free-form keys; refuses a non-mapping, keys that are not plain text, and duplicate keys.
/// A key given without a value is located at the key (yaml-cpp marks such a null value at
/// the next token).
void read_entries(
    const ValueRef& value, LoadContext& ctx, std::string_view expected,
    const std::function<void(const std::string&, SourcePosition, const ValueRef&)>& on_entry);

}  // namespace agenthost::config
