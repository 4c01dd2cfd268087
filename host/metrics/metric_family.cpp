#include "metrics/metric_family.hpp"

#include <set>

namespace agenthost::metrics {

namespace {

constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);

}  // namespace

MetricFamilyBase::MetricFamilyBase(std::string name, std::string help, std::vector<Label> labels,
                                   std::string_view type)
    : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)) {
  const auto refuse = [this](const std::string& why) {
    throw std::invalid_argument("metric family '" + name_ + "': " + why);
  };
  if (!is_metric_name(name_))
    refuse("not a valid metric name (letters, digits, _ and :, not starting with a digit)");
  if (help_.empty()) refuse("needs a help text");
  std::set<std::string, std::less<>> label_names;
  std::size_t count = 1;
  for (const auto& label : labels_) {
    if (!is_label_name(label.name))
      refuse("label '" + label.name +
             "' is not a valid label name (letters, digits and _, not starting with a digit "
             "or __)");
    if (type == "histogram" && label.name == "le")
      refuse("label 'le' is reserved for the histogram's buckets");
    if (!label_names.insert(label.name).second) refuse("label '" + label.name + "' is repeated");
    if (label.values.empty())
      refuse("label '" + label.name + "' has no values; every value is declared up front");
    auto& index = value_index_.emplace_back();
    for (std::size_t i = 0; i < label.values.size(); ++i)
      if (!index.emplace(label.values[i], i).second)
        refuse("label '" + label.name + "' lists the value '" + label.values[i] + "' twice");
    count *= label.values.size();
  }
  series_labels_.reserve(count);
  for (std::size_t series = 0; series < count; ++series) {
    std::string text;
    std::size_t rest = series;
    // The last label varies fastest.
    std::vector<std::size_t> digits(labels_.size());
    for (std::size_t l = labels_.size(); l-- > 0;) {
      digits[l] = rest % labels_[l].values.size();
      rest /= labels_[l].values.size();
    }
    for (std::size_t l = 0; l < labels_.size(); ++l) {
      if (l > 0) text += ',';
      text.append(labels_[l].name)
          .append("=\"")
          .append(escape_label_value(labels_[l].values[digits[l]]))
          .append("\"");
    }
    series_labels_.push_back(std::move(text));
  }
}

std::vector<std::string> MetricFamilyBase::sample_names() const {
  if (type() == "histogram") return {name_ + "_bucket", name_ + "_sum", name_ + "_count"};
  return {name_};
}

void MetricFamilyBase::render(std::string& out) const {
  out.append("# HELP ").append(name_).append(" ").append(escape_help(help_)).append("\n");
  out.append("# TYPE ").append(name_).append(" ").append(type()).append("\n");
  for (std::size_t i = 0; i < series_labels_.size(); ++i) render_series(out, i, series_labels_[i]);
}

std::size_t MetricFamilyBase::index_of(std::span<const std::string_view> values) const noexcept {
  if (values.size() != labels_.size()) return kNotFound;
  std::size_t index = 0;
  for (std::size_t l = 0; l < labels_.size(); ++l) {
    const auto it = value_index_[l].find(values[l]);
    if (it == value_index_[l].end()) return kNotFound;
    index = index * labels_[l].values.size() + it->second;
  }
  return index;
}

void MetricFamilyBase::throw_unknown(std::span<const std::string_view> values) const {
  if (values.size() != labels_.size())
    throw std::out_of_range("metric family '" + name_ + "' has " + std::to_string(labels_.size()) +
                            " label(s), " + std::to_string(values.size()) + " value(s) given");
  for (std::size_t l = 0; l < labels_.size(); ++l)
    if (!value_index_[l].contains(values[l]))
      throw std::out_of_range("metric family '" + name_ + "': '" + std::string(values[l]) +
                              "' is not a declared value of label '" + labels_[l].name + "'");
  throw std::out_of_range("metric family '" + name_ + "': no such series");
}

}  // namespace agenthost::metrics
