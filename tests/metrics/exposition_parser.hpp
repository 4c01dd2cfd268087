#pragma once
/// \file
/// A parser for the Prometheus text exposition format 0.0.4, written for the tests
/// from the format's line grammar, so that /metrics output is checked the way a
/// Prometheus server reads it rather than by substrings. Strict: anything the
/// format does not allow is a ParseError naming the line.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::testing {

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using LabelMap = std::map<std::string, std::string>;

struct Sample {
  std::string name;  ///< as written: x, x_bucket, x_sum, x_count
  LabelMap labels;   ///< unescaped values
  double value = 0;
  std::optional<long long> timestamp_ms;
};

struct ParsedFamily {
  std::string name;
  std::optional<std::string> help;  ///< unescaped
  std::string type = "untyped";
  std::vector<Sample> samples;
};

struct Exposition {
  std::vector<ParsedFamily> families;  ///< in the order they appeared

  /// The family named `name`, or nullptr.
  const ParsedFamily* find(std::string_view name) const;
  /// The value of the sample `sample_name` with exactly `labels`, or nullopt.
  std::optional<double> value(std::string_view sample_name, const LabelMap& labels = {}) const;
};

/// Parses `text`. Beyond the line grammar it checks what a Prometheus server
/// refuses: a TYPE or HELP repeated or after the family's samples, a family's
/// samples not in one group, a series repeated, and for histograms: le on every
/// bucket, buckets ascending with non-decreasing counts, a +Inf bucket equal to
/// _count, and _sum present.
Exposition parse_exposition(std::string_view text);

}  // namespace agenthost::testing
