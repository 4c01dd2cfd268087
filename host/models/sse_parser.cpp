#include "models/sse_parser.hpp"

#include <stdexcept>
#include <utility>

namespace agenthost::models {

SseParser::SseParser(std::function<void(std::string_view)> on_data, std::size_t max_line)
    : on_data_(std::move(on_data)), max_line_(max_line) {}

void SseParser::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n' && after_cr_) {  // the LF of a CRLF: the line already ended
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\r' || c == '\n') {
      line_complete();
      continue;
    }
    if (line_.size() >= max_line_)
      throw std::runtime_error("a server-sent-event line is longer than " +
                               std::to_string(max_line_) + " bytes");
    line_ += c;
  }
}

void SseParser::line_complete() {
  if (line_.empty()) {  // a blank line dispatches the event
    if (has_data_) on_data_(data_);
    data_.clear();
    has_data_ = false;
    return;
  }
  std::string_view line = line_;
  if (line.rfind("data", 0) == 0 && (line.size() == 4 || line[4] == ':')) {
    std::string_view value = line.size() == 4 ? "" : line.substr(5);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  }
  line_.clear();
}

}  // namespace agenthost::models
