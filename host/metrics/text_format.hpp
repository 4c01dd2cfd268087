#pragma once
/// \file
/// The Prometheus text exposition format, version 0.0.4: escaping, numbers, and the
/// sample lines of each metric type. Pure functions; MetricFamily and
/// MetricsRegistry put the lines together.

#include <cstdint>
#include <string>
#include <string_view>

#include "metrics/histogram.hpp"
#include "metrics/metric_types.hpp"

namespace agenthost::metrics {

/// The Content-Type of a rendered scrape.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

/// True for a valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool is_metric_name(std::string_view name) noexcept;
/// True for a valid label name: [a-zA-Z_][a-zA-Z0-9_]* not starting with "__"
/// (reserved for Prometheus itself).
bool is_label_name(std::string_view name) noexcept;

/// A label value with \ " and newline escaped, as it goes between the quotes.
std::string escape_label_value(std::string_view value);
/// A HELP text with \ and newline escaped.
std::string escape_help(std::string_view help);
/// A sample value: shortest round-trip decimal, or +Inf, -Inf, NaN.
std::string format_value(double value);

/// Appends the sample lines of one series. `labels` is the series' label pairs
/// without braces (`agent="echo",status="failed"`), empty for none.
void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const Counter& counter);
void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const DurationCounter& counter);
void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const Gauge& gauge);
/// name_bucket{...,le="..."} for each bound and +Inf, then name_sum and name_count.
void write_samples(std::string& out, std::string_view name, std::string_view labels,
                   const Histogram& histogram);

}  // namespace agenthost::metrics
