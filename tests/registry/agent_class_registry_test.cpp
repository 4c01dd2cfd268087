#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "registry/agent_class_registry.hpp"

using agenthost::registry::AgentClass;
using agenthost::registry::AgentClassRegistry;
using agenthost::registry::RegistryError;
using agenthost::registry::ToolEntry;

namespace {

class Nop final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override { return nullptr; }
};

AgentClass agent(const std::string& name, const std::string& file = "/p/a.so") {
  return AgentClass{.library = nullptr,
                    .info = {.name = name, .description = "", .version = "1"},
                    .plugin_name = "p",
                    .plugin_file = file,
                    .factory = [](const agenthost::AgentServices& s) {
                      return std::unique_ptr<agenthost::Agent>(new Nop(s));
                    }};
}

ToolEntry tool(const std::string& name, const std::string& file = "/p/a.so") {
  return ToolEntry{.library = nullptr,
                   .info = {.name = name, .description = "", .input_schema = {}},
                   .plugin_name = "p",
                   .plugin_file = file,
                   .handler = [](const agenthost::ExecutionContext&,
                                 const boost::json::value& input) { return input; },
                   .input_schema = nullptr};  // the registry compiles info.input_schema
}

std::vector<std::string> agent_names(const AgentClassRegistry& r) {
  std::vector<std::string> out;
  for (const auto* a : r.agents()) out.push_back(a->info.name);
  return out;
}

}  // namespace

TEST_CASE("registering after freeze throws and freeze is idempotent") {
  AgentClassRegistry registry;
  registry.add_agent(agent("one"));
  CHECK_FALSE(registry.frozen());
  registry.freeze();
  registry.freeze();
  CHECK(registry.frozen());
  CHECK_THROWS_WITH(registry.add_agent(agent("two")),
                    "cannot register agent \"two\" from plugin p (/p/a.so): the registry is "
                    "frozen (plugins register only during startup)");
  CHECK_THROWS_AS(registry.add_tool(tool("t")), RegistryError);
  CHECK(agent_names(registry) == std::vector<std::string>{"one"});
  CHECK(registry.tools().empty());
}

TEST_CASE("a duplicate name is refused naming both plugin files") {
  AgentClassRegistry registry;
  registry.add_agent(agent("dup", "/plugins/first.so"));
  CHECK_THROWS_WITH(registry.add_agent(agent("dup", "/plugins/second.so")),
                    "agent \"dup\" from plugin p (/plugins/second.so) is already registered by "
                    "plugin p (/plugins/first.so): agent names are unique across all plugins, "
                    "rename one of them or load only one of the plugins");
  CHECK(registry.find_agent("dup")->plugin_file == "/plugins/first.so");

  // Tools have their own namespace.
  registry.add_tool(tool("dup", "/plugins/second.so"));
  CHECK_THROWS_WITH(registry.add_tool(tool("dup", "/plugins/third.so")),
                    Catch::Contains("/plugins/third.so") && Catch::Contains("/plugins/second.so"));
}

TEST_CASE("invalid names and empty factories are refused") {
  AgentClassRegistry registry;
  for (const std::string& bad : std::vector<std::string>{"", "Upper", "_leading", "has space",
                                                         "slash/y", std::string(65, 'a')}) {
    INFO("name '" << bad << "'");
    CHECK_THROWS_AS(registry.add_agent(agent(bad)), RegistryError);
    CHECK_THROWS_AS(registry.add_tool(tool(bad)), RegistryError);
  }
  for (const std::string& good : std::vector<std::string>{
           "a", "9lives", "triage.keyword_classifier", "x-y_z", std::string(64, 'a')})
    CHECK_NOTHROW(registry.add_agent(agent(good)));
  auto empty = agent("no_factory");
  empty.factory = nullptr;
  CHECK_THROWS_WITH(registry.add_agent(empty), Catch::Contains("has no factory"));
}

TEST_CASE("add_all registers everything or nothing") {
  AgentClassRegistry registry;
  registry.add_agent(agent("taken"));
  std::vector<AgentClass> agents;
  agents.push_back(agent("new_one"));
  agents.push_back(agent("taken", "/p/b.so"));
  std::vector<ToolEntry> tools;
  tools.push_back(tool("new_tool"));
  CHECK_THROWS_AS(registry.add_all(std::move(agents), std::move(tools)), RegistryError);
  CHECK(agent_names(registry) == std::vector<std::string>{"taken"});
  CHECK(registry.tools().empty());

  std::vector<AgentClass> twice;
  twice.push_back(agent("same"));
  twice.push_back(agent("same"));
  CHECK_THROWS_AS(registry.add_all(std::move(twice), {}), RegistryError);
  CHECK(registry.find_agent("same") == nullptr);
}

TEST_CASE("entries are listed sorted by name, at stable addresses") {
  AgentClassRegistry registry;
  registry.add_agent(agent("zeta"));
  const auto* zeta = registry.find_agent("zeta");
  for (const char* name : {"beta", "alpha", "omega", "gamma"}) registry.add_agent(agent(name));
  registry.add_tool(tool("b.tool"));
  registry.add_tool(tool("a.tool"));
  registry.freeze();
  CHECK(agent_names(registry) ==
        std::vector<std::string>{"alpha", "beta", "gamma", "omega", "zeta"});
  CHECK(registry.tools()[0]->info.name == "a.tool");
  CHECK(registry.find_agent("zeta") == zeta);
  CHECK(registry.find_agent("unknown") == nullptr);
  CHECK(registry.find_tool("unknown") == nullptr);
}

// Readers run while the main thread registers, through freeze and after it (then
// without the lock). Under TSan this checks the memory ordering; everywhere it
// checks that readers see sorted listings and that an entry, once found, keeps
// its address.
TEST_CASE("concurrent readers during registration and after freeze") {
  AgentClassRegistry registry;
  registry.add_agent(agent("first"));
  const auto* first = registry.find_agent("first");
  std::atomic<bool> failed{false};
  std::atomic<int> reads_after_freeze{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i)
    readers.emplace_back([&] {
      while (!done.load()) {
        const bool frozen = registry.frozen();
        const auto listed = registry.agents();
        if (!std::is_sorted(listed.begin(), listed.end(),
                            [](auto* a, auto* b) { return a->info.name < b->info.name; }))
          failed = true;
        if (registry.find_agent("first") != first) failed = true;
        if (frozen && (listed.size() != 101 || !registry.find_agent("agent-99"))) failed = true;
        if (frozen) ++reads_after_freeze;
      }
    });
  for (int i = 0; i < 100; ++i) registry.add_agent(agent("agent-" + std::to_string(i)));
  registry.freeze();
  // Wait (no sleep) until the readers have done plenty of lock-free reads.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (reads_after_freeze.load() < 1000 && !failed.load() &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  done = true;
  for (auto& t : readers) t.join();
  CHECK_FALSE(failed.load());
  CHECK(reads_after_freeze.load() >= 1000);
}
