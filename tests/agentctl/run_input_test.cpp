// --input: inline JSON, @FILE, @- (stdin); invalid JSON is refused with its position.
#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agentctl/command_error.hpp"
#include "agentctl/run_input.hpp"

using namespace agenthost::agentctl;
namespace json = boost::json;

namespace {

std::string refusal(const std::optional<std::string>& argument,
                    const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  try {
    load_run_input(argument, in);
  } catch (const CommandError& e) {
    CHECK(e.exit_code() == ExitCode::usage);
    return e.what();
  }
  FAIL("the input was accepted");
  return "";
}

json::value load(const std::optional<std::string>& argument, const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  return load_run_input(argument, in);
}

struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& text) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "agentctl-input-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    REQUIRE(fd >= 0);
    close(fd);
    path = pattern;
    std::ofstream(path) << text;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

TEST_CASE("no --input is an empty object and inline JSON of any kind is taken",
          "[agentctl][input]") {
  CHECK(load(std::nullopt) == json::object{});
  CHECK(load(std::string(R"({"text":"hi"})")) == json::object{{"text", "hi"}});
  CHECK(load(std::string(R"("just a string")")) == json::value("just a string"));
  CHECK(load(std::string("[1, 2.5, null]")) == json::array{1, 2.5, nullptr});
  CHECK(load(std::string("  42\n")) == json::value(42));
}

TEST_CASE("invalid inline JSON names the line and column of the problem", "[agentctl][input]") {
  CHECK_THAT(refusal(std::string(R"({"text": hi})")),
             Catch::StartsWith("--input: invalid JSON at line 1, column 10: "));
  CHECK_THAT(refusal(std::string("{\n  \"a\": 1,\n  \"b\" 2\n}")),
             Catch::StartsWith("--input: invalid JSON at line 3, column 7: "));
  CHECK_THAT(refusal(std::string(R"({"text": "hi")")),
             Catch::Contains("line 1, column 14: unexpected end of input"));
  CHECK_THAT(refusal(std::string("{} {}")), Catch::Contains("invalid JSON at line 1, column 4"));
  // A bare word, the commonest mistake, gets an example of what to write.
  CHECK_THAT(refusal(std::string("hello")),
             Catch::Contains("line 1, column 1") && Catch::Contains("'\"hi\"'"));
  CHECK(refusal(std::string("   ")) == "--input: no JSON value (the input is empty)");
}

TEST_CASE("numbers in --input are read as the host reads them", "[agentctl][input]") {
  // Correctly rounded (Boost.JSON alone reads 2.6666666666666663e78).
  CHECK(load("2" + std::string(78, '6') + ".5").as_double() == 2.6666666666666667e78);
  CHECK(load(std::string("9007199254740993")).as_int64() == 9007199254740993);
  CHECK_THAT(
      refusal(std::string(R"({"x": 1e400})")),
      Catch::StartsWith("--input: number out of range at line 1, column 12: the number 1e400 is "
                        "beyond the range of a double"));
}

TEST_CASE("input from @FILE is read from the file and names it in errors", "[agentctl][input]") {
  TempFile good("{\"text\": \"from a file\"}\n");
  CHECK(load("@" + good.path.string()) == json::object{{"text", "from a file"}});

  TempFile bad("{\n  \"text\": 'single quotes'\n}\n");
  CHECK_THAT(
      refusal("@" + bad.path.string()),
      Catch::StartsWith("--input @" + bad.path.string() + ": invalid JSON at line 2, column 11"));

  const auto missing =
      (std::filesystem::temp_directory_path() / "agentctl-no-such-file.json").string();
  CHECK_THAT(refusal("@" + missing),
             Catch::Contains("cannot read '" + missing + "'") && Catch::Contains("No such file"));
  CHECK_THAT(refusal(std::string("@")), Catch::Contains("the file name is missing"));
}

TEST_CASE("input from @- is read from standard input", "[agentctl][input]") {
  CHECK(load(std::string("@-"), "{\"n\": [1, 2]}") == json::object{{"n", json::array{1, 2}}});
  CHECK_THAT(refusal(std::string("@-"), "{oops}"),
             Catch::StartsWith("--input @- (stdin): invalid JSON at line 1, column 2"));
}

TEST_CASE("position_of counts lines and columns from 1", "[agentctl][input]") {
  CHECK(position_of("abc", 0).line == 1);
  CHECK(position_of("abc", 0).column == 1);
  CHECK(position_of("ab\ncd", 4).line == 2);
  CHECK(position_of("ab\ncd", 4).column == 2);
  CHECK(position_of("ab", 99).column == 3);  // past the end: the end
}
