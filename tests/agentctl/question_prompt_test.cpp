// How agentctl shows a run's question and reads its answer from the terminal.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <sstream>

#include "agentctl/question_prompt.hpp"

using namespace agenthost::agentctl;
namespace json = boost::json;

namespace {

std::optional<json::value> answer(const std::string& schema, const std::string& typed,
                                  std::string* shown = nullptr) {
  std::istringstream in(typed);
  std::ostringstream out;
  auto result = read_answer(json::parse(schema).as_object(), in, out);
  if (shown) *shown = out.str();
  return result;
}

}  // namespace

TEST_CASE("a yes/no question takes y or n", "[agentctl][question]") {
  CHECK(answer(R"({"type":"boolean"})", "y\n") == json::value(true));
  CHECK(answer(R"({"type":"boolean"})", " No \n") == json::value(false));
  const auto object = R"({"type":"object","properties":{"approve":{"type":"boolean"}}})";
  CHECK(answer(object, "yes\n") == json::value{{"approve", true}});
  std::string shown;
  CHECK(answer(object, "maybe\nn\n", &shown) == json::value{{"approve", false}});
  CHECK_THAT(shown, Catch::Contains("please answer y or n"));
}

TEST_CASE("any other question takes one line of JSON, asked again until it parses",
          "[agentctl][question]") {
  const auto schema = R"({"type":"object","properties":{"file":{"type":"string"}}})";
  std::string shown;
  CHECK(answer(schema, "{\"file\": \n{\"file\":\"a.txt\"}\n", &shown) ==
        json::value{{"file", "a.txt"}});
  CHECK_THAT(shown, Catch::Contains("invalid JSON"));
  CHECK(answer(R"({})", "42\n") == json::value(42));
  CHECK_FALSE(answer(schema, "").has_value());  // end of input: no answer
}

TEST_CASE("the question shows its prompt and what answer it expects", "[agentctl][question]") {
  CHECK(format_question(
            json::parse(R"({"prompt":"Approve?","schema":{"type":"boolean"}})").as_object()) ==
        "question: Approve?\nanswer y or n\n");
  CHECK(format_question(
            json::parse(R"({"prompt":"Which file?","schema":{"type":"string"}})").as_object()) ==
        "question: Which file?\nanswer with one line of JSON fitting {\"type\":\"string\"}\n");
}
