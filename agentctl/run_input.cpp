#include "agentctl/run_input.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "agentctl/command_error.hpp"
#include "json/parse.hpp"

namespace agenthost::agentctl {

namespace json = boost::json;

TextPosition position_of(std::string_view text, std::size_t offset) noexcept {
  TextPosition position;
  const auto end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

json::value parse_input_json(std::string_view text, std::string_view origin) {
  auto parsed = agenthost::json::parse(text);
  if (auto* error = std::get_if<agenthost::json::ParseError>(&parsed)) {
    const auto where = position_of(text, error->offset);
    const auto at = " at line " + std::to_string(where.line) + ", column " +
                    std::to_string(where.column) + ": ";
    if (error->kind == agenthost::json::ParseError::Kind::number_range)
      throw input_error(std::string(origin) + ": number out of range" + at + error->message);
    const bool at_end = text.find_first_not_of(" \t\r\n", error->offset) == std::string_view::npos;
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      throw input_error(std::string(origin) + ": no JSON value (the input is empty)");
    throw input_error(std::string(origin) + ": invalid JSON" + at +
                      (at_end ? std::string("unexpected end of input") : error->message) +
                      " (give a JSON value, e.g. '{\"text\":\"hi\"}' or '\"hi\"', or @FILE)");
  }
  return std::move(std::get<json::value>(parsed));
}

json::value load_run_input(const std::optional<std::string>& argument, std::istream& stdin_stream) {
  if (!argument) return json::object{};
  const std::string& arg = *argument;
  if (arg.empty() || arg[0] != '@') return parse_input_json(arg, "--input");
  const std::string path = arg.substr(1);
  const std::string origin = "--input " + arg;
  if (path == "-") {
    std::string text{std::istreambuf_iterator<char>(stdin_stream),
                     std::istreambuf_iterator<char>()};
    return parse_input_json(text, "--input @- (stdin)");
  }
  if (path.empty())
    throw input_error("--input @: the file name is missing (@FILE, or @- for stdin)");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw input_error(origin + ": cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw input_error(origin + ": cannot read '" + path + "'");
  return parse_input_json(text.str(), origin);
}

}  // namespace agenthost::agentctl
