// Runs every draft 7 file of the official JSON-Schema-Test-Suite through the host's
// schema component and prints passed/failed per file. A group (one schema and its
// tests) passes when the schema compiles and every test's verdict is right. The
// test fails when a group outside suite_allow_list() fails, and names the groups
// on the list that now pass (so the list can shrink).

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "schema/compiled_schema.hpp"
#include "suite_allow_list.hpp"

namespace fs = std::filesystem;
using agenthost::schema::testing::suite_allow_list;

namespace {

boost::json::value read_json(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

// The suite writes some root schemas as booleans; compile() takes objects.
boost::json::object as_object_schema(const boost::json::value& schema) {
  if (schema.is_object()) return schema.get_object();
  if (schema.as_bool()) return {};
  return {{"not", boost::json::object{}}};
}

// Why the group fails, or "" when it passes.
std::string run_group(const boost::json::object& group) {
  std::shared_ptr<const agenthost::schema::CompiledSchema> compiled;
  try {
    compiled = agenthost::schema::compile(as_object_schema(group.at("schema")));
  } catch (const std::exception& e) {
    return std::string("compile: ") + e.what();
  }
  for (const auto& test : group.at("tests").as_array()) {
    const auto& t = test.as_object();
    const bool expected = t.at("valid").as_bool();
    const auto error = compiled->validate(t.at("data"));
    if (expected != !error.has_value())
      return "test \"" + std::string(t.at("description").as_string()) + "\": expected " +
             (expected ? "valid, got " + error->describe() : std::string("invalid"));
  }
  return {};
}

bool allowed(const std::string& file, const std::string& group) {
  return std::any_of(suite_allow_list().begin(), suite_allow_list().end(), [&](const auto& a) {
    return a.file == file && (a.group == "*" || a.group == group);
  });
}

}  // namespace

TEST_CASE("the official JSON-Schema-Test-Suite, draft 7, passes but for the allow-list") {
  const fs::path root = AGENTHOST_SCHEMA_SUITE_DIR;
  INFO("suite folder " << root << " (scripts/setup.sh installs json-schema-test-suite)");
  REQUIRE(fs::is_directory(root));
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 40);

  std::vector<std::string> unexpected_failures;
  std::vector<std::string> allowed_but_passing;
  for (const auto& path : files) {
    const std::string file = fs::relative(path, root).generic_string();
    int passed = 0, failed = 0, allowed_failed = 0;
    std::set<std::string> failing, passing_on_list;  // group names (not always unique)
    const boost::json::value groups = read_json(path);
    for (const auto& group : groups.as_array()) {
      const auto& g = group.as_object();
      const std::string name(g.at("description").as_string());
      const std::string problem = run_group(g);
      const bool on_list = allowed(file, name);
      if (problem.empty()) {
        ++passed;
        if (on_list) passing_on_list.insert(name);
      } else {
        failing.insert(name);
        if (on_list) {
          ++allowed_failed;
        } else {
          ++failed;
          unexpected_failures.push_back(file + ": " + name + ": " + problem);
        }
      }
    }
    if (allowed(file, "*")) {
      if (failing.empty()) allowed_but_passing.push_back(file + " (the whole file)");
    } else {
      for (const auto& name : passing_on_list)
        if (!failing.contains(name)) allowed_but_passing.push_back(file + ": " + name);
    }
    std::cout << (failed ? "FAILED  " : "passed  ") << file << ": " << passed << " groups passed";
    if (allowed_failed) std::cout << ", " << allowed_failed << " failed as allowed";
    if (failed) std::cout << ", " << failed << " failed";
    std::cout << "\n";
  }
  for (const auto& passing : allowed_but_passing)
    std::cout << "now passes, remove from suite_allow_list.cpp: " << passing << "\n";
  for (const auto& failure : unexpected_failures) UNSCOPED_INFO(failure);
  CHECK(unexpected_failures.empty());
}
