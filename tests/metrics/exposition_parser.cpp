#include "exposition_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

namespace agenthost::testing {

namespace {

bool is_name_start(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
bool is_name_char(char c, bool colon) { return is_name_start(c, colon) || (c >= '0' && c <= '9'); }

/// Reads one line's tokens, failing with the line number.
class LineReader {
 public:
  LineReader(std::string_view line, std::size_t number) : line_(line), number_(number) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw ParseError("line " + std::to_string(number_) + ": " + why + " in '" + std::string(line_) +
                     "'");
  }
  bool at_end() const { return pos_ == line_.size(); }
  char peek() const { return at_end() ? '\0' : line_[pos_]; }
  void expect(char c) {
    if (peek() != c)
      fail(std::string("expected '") + c + "' at column " + std::to_string(pos_ + 1));
    ++pos_;
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string name(bool colon) {
    const auto start = pos_;
    if (!is_name_start(peek(), colon))
      fail("expected a name at column " + std::to_string(pos_ + 1));
    while (!at_end() && is_name_char(line_[pos_], colon)) ++pos_;
    return std::string(line_.substr(start, pos_ - start));
  }
  /// One or more blanks (space or tab).
  void blanks() {
    if (peek() != ' ' && peek() != '\t')
      fail("expected a blank at column " + std::to_string(pos_ + 1));
    while (peek() == ' ' || peek() == '\t') ++pos_;
  }
  void skip_blanks() {
    while (peek() == ' ' || peek() == '\t') ++pos_;
  }
  /// Up to the next blank or the end.
  std::string_view token() {
    const auto start = pos_;
    while (!at_end() && line_[pos_] != ' ' && line_[pos_] != '\t') ++pos_;
    return line_.substr(start, pos_ - start);
  }
  std::string_view rest() {
    const auto r = line_.substr(pos_);
    pos_ = line_.size();
    return r;
  }
  /// A quoted label value; escapes \\ \" \n only.
  std::string quoted() {
    expect('"');
    std::string value;
    for (;;) {
      if (at_end()) fail("unterminated label value");
      const char c = line_[pos_++];
      if (c == '"') return value;
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      if (at_end()) fail("unterminated escape in label value");
      const char e = line_[pos_++];
      if (e == '\\')
        value.push_back('\\');
      else if (e == '"')
        value.push_back('"');
      else if (e == 'n')
        value.push_back('\n');
      else
        fail(std::string("invalid escape '\\") + e + "' in label value");
    }
  }

 private:
  std::string_view line_;
  std::size_t number_;
  std::size_t pos_ = 0;
};

std::optional<double> parse_float(std::string_view s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "+inf" || lower == "inf") return std::numeric_limits<double>::infinity();
  if (lower == "-inf") return -std::numeric_limits<double>::infinity();
  if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string unescape_help(LineReader& r, std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (++i == text.size()) r.fail("HELP text ends in a lone backslash");
    if (text[i] == '\\')
      out.push_back('\\');
    else if (text[i] == 'n')
      out.push_back('\n');
    else
      r.fail(std::string("invalid escape '\\") + text[i] + "' in HELP text");
  }
  return out;
}

struct Parser {
  Exposition result;
  std::map<std::string, std::size_t> index;  // family name -> position
  std::set<std::string> closed;              // families whose sample group ended
  std::optional<std::string> current;        // family of the last sample
  std::set<std::string> typed;               // families with a TYPE line

  ParsedFamily& family(const std::string& name) {
    const auto it = index.find(name);
    if (it != index.end()) return result.families[it->second];
    index.emplace(name, result.families.size());
    auto& f = result.families.emplace_back();
    f.name = name;
    return f;
  }

  // The family a sample belongs to: a histogram's name_bucket/_sum/_count go to it.
  std::string family_of(const std::string& sample) const {
    for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (sample.size() <= suffix.size() || !sample.ends_with(suffix)) continue;
      const auto base = sample.substr(0, sample.size() - suffix.size());
      const auto it = index.find(base);
      if (it != index.end() && result.families[it->second].type == "histogram") return base;
    }
    return sample;
  }

  void comment(LineReader& r) {
    r.expect('#');
    r.skip_blanks();
    const auto keyword = r.token();
    if (keyword != "HELP" && keyword != "TYPE") return;  // any other comment
    r.blanks();
    const auto name = r.name(true);
    auto& f = family(name);
    if (!f.samples.empty() || closed.contains(name))
      r.fail(std::string(keyword) + " for '" + name + "' after its samples");
    if (keyword == "HELP") {
      if (f.help) r.fail("second HELP for '" + name + "'");
      // A HELP line may end right after the name (empty docstring).
      if (!r.at_end()) {
        r.expect(' ');
        f.help = unescape_help(r, r.rest());
      } else {
        f.help = "";
      }
      return;
    }
    r.blanks();
    const auto type = std::string(r.token());
    static const std::set<std::string> types = {"counter", "gauge", "histogram", "summary",
                                                "untyped"};
    if (!types.contains(type)) r.fail("unknown metric type '" + type + "'");
    if (!r.at_end()) r.fail("text after the TYPE");
    // The default is untyped; a second TYPE line (even "untyped") is refused.
    if (typed.contains(name)) r.fail("second TYPE for '" + name + "'");
    typed.insert(name);
    f.type = type;
  }

  void sample(LineReader& r) {
    Sample s;
    s.name = r.name(true);
    if (r.accept('{')) {
      r.skip_blanks();
      while (!r.accept('}')) {
        const auto label = r.name(false);
        if (label.starts_with("__")) r.fail("label name '" + label + "' is reserved");
        r.skip_blanks();
        r.expect('=');
        r.skip_blanks();
        auto value = r.quoted();
        if (!s.labels.emplace(label, std::move(value)).second)
          r.fail("label '" + label + "' repeated");
        r.skip_blanks();
        if (r.accept(',')) {
          r.skip_blanks();
          continue;
        }
        r.skip_blanks();
        r.expect('}');
        break;
      }
    }
    r.blanks();
    const auto value = parse_float(r.token());
    if (!value) r.fail("not a float sample value");
    s.value = *value;
    if (!r.at_end()) {
      r.blanks();
      const auto ts = r.token();
      long long t = 0;
      const auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
      if (ec != std::errc() || end != ts.data() + ts.size()) r.fail("not an integer timestamp");
      s.timestamp_ms = t;
      if (!r.at_end()) r.fail("text after the timestamp");
    }
    const auto name = family_of(s.name);
    if (current && *current != name) closed.insert(*current);
    if (closed.contains(name)) r.fail("samples of '" + name + "' are not in one group");
    current = name;
    auto& f = family(name);
    for (const auto& other : f.samples)
      if (other.name == s.name && other.labels == s.labels) r.fail("series repeated");
    if (f.type == "counter" && !(s.value >= 0)) r.fail("negative or NaN counter");
    f.samples.push_back(std::move(s));
  }

  static void check_histogram(const ParsedFamily& f) {
    const auto fail = [&](const std::string& why) {
      throw ParseError("histogram '" + f.name + "': " + why);
    };
    std::map<LabelMap, std::vector<std::pair<double, double>>> buckets;
    std::map<LabelMap, double> counts;
    std::set<LabelMap> sums;
    for (const auto& s : f.samples) {
      auto labels = s.labels;
      if (s.name == f.name + "_bucket") {
        const auto le = labels.find("le");
        if (le == labels.end()) fail("a bucket without le");
        const auto bound = parse_float(le->second);
        if (!bound || std::isnan(*bound)) fail("le '" + le->second + "' is not a number");
        labels.erase(le);
        buckets[labels].emplace_back(*bound, s.value);
      } else if (s.name == f.name + "_count") {
        counts[labels] = s.value;
      } else if (s.name == f.name + "_sum") {
        sums.insert(labels);
      } else {
        fail("unexpected sample '" + s.name + "'");
      }
    }
    if (buckets.empty()) fail("no buckets");
    for (const auto& [labels, series] : buckets) {
      for (std::size_t i = 1; i < series.size(); ++i) {
        if (!(series[i].first > series[i - 1].first)) fail("buckets not in ascending le order");
        if (series[i].second < series[i - 1].second) fail("bucket counts decrease");
      }
      if (!std::isinf(series.back().first)) fail("no +Inf bucket");
      const auto count = counts.find(labels);
      if (count == counts.end()) fail("a series without _count");
      if (count->second != series.back().second) fail("_count differs from the +Inf bucket");
      if (!sums.contains(labels)) fail("a series without _sum");
    }
  }
};

}  // namespace

const ParsedFamily* Exposition::find(std::string_view name) const {
  for (const auto& f : families)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<double> Exposition::value(std::string_view sample_name,
                                        const LabelMap& labels) const {
  for (const auto& f : families)
    for (const auto& s : f.samples)
      if (s.name == sample_name && s.labels == labels) return s.value;
  return std::nullopt;
}

Exposition parse_exposition(std::string_view text) {
  if (!text.empty() && text.back() != '\n') throw ParseError("the last line does not end in \\n");
  Parser p;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++number;
    LineReader r(line, number);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.front() == '#')
      p.comment(r);
    else
      p.sample(r);
  }
  for (const auto& f : p.result.families)
    if (f.type == "histogram") Parser::check_histogram(f);
  return std::move(p.result);
}

}  // namespace agenthost::testing
