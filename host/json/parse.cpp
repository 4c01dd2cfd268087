#include "json/parse.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include "json/number_text.hpp"

namespace agenthost::json {
namespace {

namespace bj = boost::json;

constexpr std::size_t kMaxShownNumber = 40;

// A basic_parser handler building the value as boost::json::parser does, except for
// doubles, which it reads again from their text. Boost hands the text of a number
// that spans two write_some calls in parts; parse() writes the whole text at once,
// but the parts are kept anyway so the handler does not depend on that.
class ExactNumberHandler {
 public:
  static constexpr std::size_t max_object_size = bj::object::max_size();
  static constexpr std::size_t max_array_size = bj::array::max_size();
  static constexpr std::size_t max_key_size = bj::string::max_size();
  static constexpr std::size_t max_string_size = bj::string::max_size();

  // The stack starts in `buffer` (as boost::json::parse's does), so a small
  // document needs no allocation besides its value's.
  ExactNumberHandler(unsigned char* buffer, std::size_t size) : stack({}, buffer, size) {}

  bj::value_stack stack;
  std::string number_error;  // set when a number is refused

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code&) { return true; }
  bool on_object_end(std::size_t n, bj::error_code&) {
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(bj::error_code&) { return true; }
  bool on_array_end(std::size_t n, bj::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_key(s);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(bj::string_view s, bj::error_code&) {
    number_parts_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, bj::string_view, bj::error_code&) {
    number_parts_.clear();
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code&) {
    number_parts_.clear();
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double, bj::string_view s, bj::error_code& ec) {
    std::string_view text(s.data(), s.size());
    if (!number_parts_.empty()) {
      number_parts_.append(s.data(), s.size());
      text = number_parts_;
    }
    const auto exact = read_double(text);
    if (!exact) {
      const bool cut = text.size() > kMaxShownNumber;
      number_error = "the number " + std::string(text.substr(0, kMaxShownNumber)) +
                     (cut ? "..." : "") + " is beyond the range of a double (largest " +
                     std::string(kLargestDouble) + "; JSON has no infinity)";
      ec = bj::error::exponent_overflow;
      return false;
    }
    number_parts_.clear();
    stack.push_double(*exact);
    return true;
  }
  bool on_bool(bool b, bj::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(bj::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }

 private:
  std::string number_parts_;
};

}  // namespace

std::string ParseError::describe() const {
  return (kind == Kind::syntax ? "not valid JSON: " : "") + message + " (at byte " +
         std::to_string(offset) + ")";
}

std::variant<boost::json::value, ParseError> parse(std::string_view text,
                                                   const ParseOptions& options) {
  bj::parse_options boost_options;
  boost_options.max_depth = options.max_depth;
  unsigned char buffer[BOOST_JSON_STACK_BUFFER_SIZE];
  bj::basic_parser<ExactNumberHandler> parser(boost_options, buffer, sizeof buffer);
  parser.handler().stack.reset();
  bj::error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = bj::error::extra_data;
  if (ec) {
    auto& number_error = parser.handler().number_error;
    if (number_error.empty()) return ParseError{ParseError::Kind::syntax, ec.message(), consumed};
    return ParseError{ParseError::Kind::number_range, std::move(number_error), consumed};
  }
  return parser.handler().stack.release();
}

}  // namespace agenthost::json
