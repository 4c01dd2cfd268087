// The repository's config/agenthost.yaml and docs/configuration.md agree with the schema.

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

#include "config_test_support.hpp"

namespace agenthost::config::test {

namespace {

const std::string kShippedConfig = std::string(AGENTHOST_SOURCE_DIR) + "/config/agenthost.yaml";
const std::string kConfigDoc = std::string(AGENTHOST_SOURCE_DIR) + "/docs/configuration.md";
constexpr std::string_view kBeginGenerated = "<!-- BEGIN describe_schema() -->\n";
constexpr std::string_view kEndGenerated = "<!-- END describe_schema() -->";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("the shipped config loads with the plugin directory from the environment") {
  const TempDir plugins;
  ScopedEnv plugin_dir("AGENTHOST_PLUGIN_DIR", plugins.path().string());
  ScopedEnv data_dir("AGENTHOST_DATA_DIR", std::nullopt);

  const auto config = load_config_file(kShippedConfig);
  CHECK(config.source_file == kShippedConfig);
  REQUIRE(config.plugins.paths.size() == 1);
  CHECK(config.plugins.paths[0].path == plugins.path().string());
  CHECK_THAT(config.plugins.paths[0].where, Catch::EndsWith(" (plugins.paths[0])"));
  CHECK(config.server.data_dir == "/var/lib/agenthost");
  CHECK(config.database.url == "sqlite:/var/lib/agenthost/agenthost.db");
  CHECK(config.plugins.config.at("triage") == boost::json::parse(R"({"categories": {
          "billing": ["invoice", "refund", "charge", "payment", "bill", "price"],
          "technical": ["error", "crash", "bug", "broken", "login", "slow"],
          "account": ["account", "profile", "email", "username", "delete"]}})"));
}

TEST_CASE("without AGENTHOST_PLUGIN_DIR the shipped config uses the installed plugin dir") {
  ScopedEnv plugin_dir("AGENTHOST_PLUGIN_DIR", std::nullopt);
  ScopedEnv data_dir("AGENTHOST_DATA_DIR", "/tmp/agenthost-state");
  const auto config = load_config_file(kShippedConfig);
  REQUIRE(config.plugins.paths.size() == 1);
  CHECK(config.plugins.paths[0].path == "/usr/lib/agenthost/plugins");
  CHECK(config.server.data_dir == "/tmp/agenthost-state");
}

TEST_CASE("the shipped config states the defaults") {
  ScopedEnv plugin_dir("AGENTHOST_PLUGIN_DIR", std::nullopt);
  const auto shipped = load_config_file(kShippedConfig);
  const HostConfig defaults;
  CHECK(shipped.server.address == defaults.server.address);
  CHECK(shipped.server.port == defaults.server.port);
  CHECK(shipped.server.max_message_bytes == defaults.server.max_message_bytes);
  CHECK(shipped.server.idle_timeout == defaults.server.idle_timeout);
  CHECK(shipped.database.pool_size == defaults.database.pool_size);
  CHECK(shipped.database.busy_timeout == defaults.database.busy_timeout);
  CHECK(shipped.plugins.on_error == defaults.plugins.on_error);
  CHECK(shipped.limits.max_concurrent_runs_per_user ==
        defaults.limits.max_concurrent_runs_per_user);
  CHECK(shipped.limits.max_queued_runs_per_user == defaults.limits.max_queued_runs_per_user);
  CHECK(shipped.limits.run_timeout == defaults.limits.run_timeout);
  CHECK(shipped.limits.worker_threads == defaults.limits.worker_threads);
  CHECK(shipped.logging.level == defaults.logging.level);
  CHECK(shipped.logging.format == defaults.logging.format);
}

TEST_CASE("the shipped config shows every key of the schema") {
  const YAML::Node file = YAML::LoadFile(kShippedConfig);
  for (const auto& section : host_config_schema().doc().fields) {
    INFO("section " << section.key);
    REQUIRE(file[section.key].IsMap());
    REQUIRE(section.nested != nullptr);
    // A section of named entries (models) shows its keys in its first entry.
    const YAML::Node keys =
        section.entry_key.empty() ? file[section.key] : file[section.key].begin()->second;
    for (const auto& key : section.nested->fields) {
      INFO("key " << key.key);
      CHECK(keys[key.key].IsDefined());
    }
  }
}

TEST_CASE("docs/configuration.md contains the current schema description") {
  const std::string doc = read_text(kConfigDoc);
  const auto begin = doc.find(kBeginGenerated);
  const auto end = doc.find(kEndGenerated);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const std::string documented =
      doc.substr(begin + kBeginGenerated.size(), end - begin - kBeginGenerated.size());
  const std::string expected = describe_schema();
  if (documented != expected) {
    const std::string generated =
        std::string(AGENTHOST_TEST_OUTPUT_DIR) + "/configuration.generated.md";
    std::ofstream(generated) << expected;
    FAIL("docs/configuration.md is out of date with the schema; paste " << generated
                                                                        << " between the markers");
  }
}

TEST_CASE("describe_schema lists every section and key") {
  const std::string markdown = describe_schema();
  for (const auto& section : host_config_schema().doc().fields) {
    CHECK_THAT(markdown, Catch::Contains("### `" + section.key + "`"));
    for (const auto& key : section.nested->fields) {
      const auto prefix =
          section.key + "." + (section.entry_key.empty() ? "" : section.entry_key + ".");
      CHECK_THAT(markdown, Catch::Contains("| `" + prefix + key.key + "` |"));
    }
  }
  CHECK_THAT(markdown, Catch::Contains("| `limits.run_timeout` | duration | `5m` | 1s .. 24h |"));
  CHECK_THAT(markdown, Catch::Contains("| `server.port` | integer | `8080` | 0 .. 65535 |"));
  CHECK_THAT(markdown,
             Catch::Contains("| `logging.format` | string | `text` | one of: text, json |"));
}

}  // namespace agenthost::config::test
