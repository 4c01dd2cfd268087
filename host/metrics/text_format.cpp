#include "metrics/text_format.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace agenthost::metrics {

namespace {

bool is_name_start(char c, bool colon_allowed) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (colon_allowed && c == ':');
}

bool is_name_char(char c, bool colon_allowed) noexcept {
  return is_name_start(c, colon_allowed) || (c >= '0' && c <= '9');
}

bool is_name(std::string_view name, bool colon_allowed) noexcept {
  if (name.empty() || !is_name_start(name.front(), colon_allowed)) return false;
  for (const char c : name)
    if (!is_name_char(c, colon_allowed)) return false;
  return true;
}

template <class Int>
void append_integer(std::string& out, Int value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void append_line_start(std::string& out, std::string_view name, std::string_view suffix,
                       std::string_view labels) {
  out.append(name).append(suffix);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.push_back(' ');
}

}  // namespace

bool is_metric_name(std::string_view name) noexcept { return is_name(name, true); }

bool is_label_name(std::string_view name) noexcept {
  return is_name(name, false) && !name.starts_with("__");
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const Counter& counter) {
  append_line_start(out, name, "", labels);
  append_integer(out, counter.value());
  out.push_back('\n');
}

void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const DurationCounter& counter) {
  append_line_start(out, name, "", labels);
  out.append(format_value(counter.seconds()));
  out.push_back('\n');
}

void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const Gauge& gauge) {
  append_line_start(out, name, "", labels);
  append_integer(out, gauge.value());
  out.push_back('\n');
}

void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const Histogram& histogram) {
  const auto s = histogram.snapshot();
  const std::string separator = labels.empty() ? "" : ",";
  for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
    const std::string le =
        i < s.upper_bounds.size() ? format_value(s.upper_bounds[i]) : std::string("+Inf");
    const std::string bucket_labels =
        std::string(labels).append(separator).append("le=\"").append(le).append("\"");
    append_line_start(out, name, "_bucket", bucket_labels);
    append_integer(out, s.cumulative[i]);
    out.push_back('\n');
  }
  append_line_start(out, name, "_sum", labels);
  out.append(format_value(s.sum_seconds));
  out.push_back('\n');
  append_line_start(out, name, "_count", labels);
  append_integer(out, s.count);
  out.push_back('\n');
}

}  // namespace agenthost::metrics
