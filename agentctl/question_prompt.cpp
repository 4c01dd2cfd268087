#include "agentctl/question_prompt.hpp"

#include <istream>
#include <ostream>

#include "agentctl/command_error.hpp"
#include "agentctl/run_input.hpp"
#include "json/display_text.hpp"

namespace agenthost::agentctl {

namespace json = boost::json;

namespace {

bool is_type(const json::value* schema, std::string_view type) {
  const auto* object = schema ? schema->if_object() : nullptr;
  const auto* t = object ? object->if_contains("type") : nullptr;
  return t && t->is_string() && t->get_string() == type;
}

// The boolean a yes/no schema asks for: "" for the whole answer, or the name of the
// one property of an object answer; nullopt when the schema is not yes/no.
std::optional<std::string> yes_no_property(const json::object& schema) {
  const json::value whole = schema;
  if (is_type(&whole, "boolean")) return std::string();
  if (!is_type(&whole, "object")) return std::nullopt;
  const auto* properties = schema.if_contains("properties");
  if (!properties || !properties->is_object() || properties->get_object().size() != 1)
    return std::nullopt;
  const auto& only = *properties->get_object().begin();
  if (!is_type(&only.value(), "boolean")) return std::nullopt;
  return std::string(only.key());
}

std::optional<bool> parse_yes_no(std::string line) {
  for (auto& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto begin = line.find_first_not_of(" \t\r");
  const auto end = line.find_last_not_of(" \t\r");
  if (begin == std::string::npos) return std::nullopt;
  line = line.substr(begin, end - begin + 1);
  if (line == "y" || line == "yes") return true;
  if (line == "n" || line == "no") return false;
  return std::nullopt;
}

}  // namespace

std::string format_question(const json::object& payload) {
  const auto* prompt = payload.if_contains("prompt");
  const auto* schema = payload.if_contains("schema");
  std::string out = "question: ";
  out += prompt && prompt->is_string() ? std::string(prompt->get_string())
                                       : agenthost::json::display_text(payload);
  out += '\n';
  if (schema && schema->is_object()) {
    if (yes_no_property(schema->get_object()))
      out += "answer y or n\n";
    else
      out +=
          "answer with one line of JSON fitting " + agenthost::json::display_text(*schema) + '\n';
  }
  return out;
}

std::optional<json::value> read_answer(const json::object& schema, std::istream& in,
                                       std::ostream& out) {
  const auto property = yes_no_property(schema);
  std::string line;
  for (;;) {
    out << "> " << std::flush;
    if (!std::getline(in, line)) return std::nullopt;
    if (property) {
      const auto yes = parse_yes_no(line);
      if (!yes) {
        out << "please answer y or n\n";
        continue;
      }
      if (property->empty()) return json::value(*yes);
      return json::object{{*property, *yes}};
    }
    try {
      return parse_input_json(line, "the answer");
    } catch (const CommandError& e) {
      out << e.what() << "; try again\n";
    }
  }
}

}  // namespace agenthost::agentctl
