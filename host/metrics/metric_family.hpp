#pragma once
/// \file
/// MetricFamily<Metric>: one metric name with every series it will ever have. The
/// label values are fixed when the family is registered (one series for each
/// combination), so the number of series is bounded by construction: nothing a user
/// sends can create a series. Never label by user, thread or run id.

#include <deque>
#include <initializer_list>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/text_format.hpp"

namespace agenthost::metrics {

/// One label of a family and every value it may take.
struct Label {
  std::string name;
  std::vector<std::string> values;
};

/// What every family shares: name, help, labels, the series' label text and
/// rendering. Not thread-safe to construct; after construction every member is
/// read-only and the series are atomics.
class MetricFamilyBase {
 public:
  virtual ~MetricFamilyBase() = default;
  MetricFamilyBase(const MetricFamilyBase&) = delete;
  MetricFamilyBase& operator=(const MetricFamilyBase&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& help() const noexcept { return help_; }
  const std::vector<Label>& labels() const noexcept { return labels_; }
  virtual std::string_view type() const noexcept = 0;
  /// The sample names this family writes: the name, or name_bucket, name_sum and
  /// name_count for a histogram.
  std::vector<std::string> sample_names() const;

  /// Appends # HELP, # TYPE and every series' samples.
  void render(std::string& out) const;

 protected:
  /// Throws std::invalid_argument for an invalid metric or label name, a label
  /// without values, a duplicate label name or value, or a label named "le" on a
  /// histogram; the message names the family.
  MetricFamilyBase(std::string name, std::string help, std::vector<Label> labels,
                   std::string_view type);

  std::size_t series_count() const noexcept { return series_labels_.size(); }
  /// The series for `values` (one per label, in the family's order), or npos.
  std::size_t index_of(std::span<const std::string_view> values) const noexcept;
  /// Throws std::out_of_range naming the family, the label and the refused value.
  [[noreturn]] void throw_unknown(std::span<const std::string_view> values) const;

 private:
  virtual void render_series(std::string& out, std::size_t index,
                             std::string_view labels) const = 0;

  std::string name_;
  std::string help_;
  std::vector<Label> labels_;
  // Per label: value -> position in Label::values.
  std::vector<std::map<std::string, std::size_t, std::less<>>> value_index_;
  // Per series: `a="x",b="y"`, escaped; series i's values are the mixed-radix
  // digits of i, the first label the most significant.
  std::vector<std::string> series_labels_;
};

/// A family of Counter, DurationCounter, Gauge or Histogram series. Created through
/// MetricsRegistry, which owns it; references to it and to its series stay valid
/// for the registry's life, so hot paths look a series up once and keep it.
template <class Metric>
class MetricFamily final : public MetricFamilyBase {
 public:
  /// `metric_args` construct every series (a Histogram's bucket bounds).
  template <class... Args>
  MetricFamily(std::string name, std::string help, std::vector<Label> labels,
               const Args&... metric_args)
      : MetricFamilyBase(std::move(name), std::move(help), std::move(labels), Metric::kType) {
    for (std::size_t i = 0; i < series_count(); ++i) series_.emplace_back(metric_args...);
  }

  std::string_view type() const noexcept override { return Metric::kType; }

  /// The series with these label values, one per label in the family's order
  /// (none for a family without labels). Throws std::out_of_range naming the value
  /// that is not one of its label's values. Any thread.
  Metric& at(std::initializer_list<std::string_view> values) {
    const std::span<const std::string_view> v(values.begin(), values.size());
    const auto i = index_of(v);
    if (i == npos) throw_unknown(v);
    return series_[i];
  }
  /// As at(), but nullptr for unknown values.
  Metric* find(std::initializer_list<std::string_view> values) noexcept {
    const auto i = index_of(std::span<const std::string_view>(values.begin(), values.size()));
    return i == npos ? nullptr : &series_[i];
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  void render_series(std::string& out, std::size_t index, std::string_view labels) const override {
    write_samples(out, name(), labels, series_[index]);
  }

  // deque: the metrics are neither copyable nor movable, and never move once built.
  std::deque<Metric> series_;
};

}  // namespace agenthost::metrics
