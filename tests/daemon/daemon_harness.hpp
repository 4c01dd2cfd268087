#pragma once
/// \file
/// The real agenthostd for process tests: a temp dir, a config file written from
/// parts, the daemon started and its port read from its "ready" log line, and HTTP
/// helpers for runs and their stored events. Every wait polls with a deadline.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "database_test_support.hpp"
#include "server/test_client.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace agenthost::daemon::test {

namespace fs = std::filesystem;
namespace json = boost::json;
using agenthost::database::test::TestDatabase;
using agenthost::server::test::http_get;
using agenthost::server::test::http_post;
using agenthost::server::test::HttpResponse;
using agenthost::testing::ChildProcess;
using agenthost::testing::TempDir;
using namespace std::chrono_literals;

inline const std::string kAliceKey = "alice-key-0123456789abcdef";
inline const std::string kBobKey = "bob-key-fedcba9876543210";

/// Writes `text` to `path` so that a reader never sees a half-written file: a
/// temp file in the same directory, then rename.
inline void write_file(const fs::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
  }
  fs::rename(tmp, path);
}

/// The config of these tests: the testagents plugin, port 0, data in `dir`, the
/// database `database_url` (empty: SQLite under the data dir), `extra` appended
/// (must not repeat a section written here).
struct ConfigText {
  std::string server_extra;  ///< lines under server:, each "  key: value\n"
  std::string limits;        ///< lines under limits:
  std::string database_url;
  std::vector<std::pair<std::string, std::string>> api_keys{{"alice", kAliceKey}};
  std::string plugins_extra;  ///< lines under plugins: after paths, each "  key: value\n"
  std::string extra;          ///< raw text appended at the end
  std::vector<std::string> plugins{std::string(AGENTHOST_TEST_PLUGIN_DIR) + "/testagents.so"};

  std::string render(const fs::path& dir) const {
    std::string y =
        "server:\n  port: 0\n  data_dir: \"" + (dir / "data").string() + "\"\n" + server_extra;
    if (!database_url.empty()) y += "database:\n  url: \"" + database_url + "\"\n";
    y += "plugins:\n  paths: [";
    for (std::size_t i = 0; i < plugins.size(); ++i) y += (i ? ", \"" : "\"") + plugins[i] + "\"";
    y += "]\n" + plugins_extra;
    if (!limits.empty()) y += "limits:\n" + limits;
    y += "auth:\n  api_keys:\n";
    for (const auto& [user, key] : api_keys)
      y += "    - user: " + user + "\n      key: \"" + key + "\"\n";
    return y + extra;
  }
};

/// A started agenthostd and the port it serves on (from its "ready" log line).
struct Daemon {
  std::unique_ptr<ChildProcess> process;
  std::uint16_t port = 0;

  explicit Daemon(const fs::path& config_file) {
    process = std::make_unique<ChildProcess>(
        std::vector<std::string>{AGENTHOSTD_PATH, "--config", config_file.string()});
    static const std::regex ready(R"(agenthostd ready: .*port ([0-9]+))");
    std::smatch m;
    const bool up = process->wait_for_output(
        [&](const std::string& output) { return std::regex_search(output, ready); }, 60s);
    INFO("agenthostd stderr:\n" << process->err());
    REQUIRE(up);
    const auto err = process->err();
    REQUIRE(std::regex_search(err, m, ready));
    port = static_cast<std::uint16_t>(std::stoi(m[1].str()));
    REQUIRE(port != 0);
  }

  std::string err() const { return process->err(); }
};

inline std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : "<not a string: " + serialize(v) + ">";
}

/// POST /v1/runs of `agent` with `input`; the response.
inline HttpResponse post_run(std::uint16_t port, const std::string& key, const std::string& agent,
                             const json::value& input) {
  json::object body{{"agent", agent}, {"input", input}};
  return http_post(port, "/v1/runs", serialize(body), key);
}

/// POST /v1/runs that must be accepted: the run id.
inline std::string start_run(std::uint16_t port, const std::string& key, const std::string& agent,
                             const json::value& input) {
  const auto r = post_run(port, key, agent, input);
  INFO("POST /v1/runs " << agent << ": " << r.status << " " << r.body);
  REQUIRE(r.status == 202);
  return str(r.json().at("run_id"));
}

/// GET /v1/runs/{id}: the run's JSON (FAILs on anything but 200).
inline json::object get_run(std::uint16_t port, const std::string& key, const std::string& run_id) {
  const auto r = http_get(port, "/v1/runs/" + run_id, key);
  INFO("GET /v1/runs/" << run_id << ": " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return r.json().as_object();
}

inline std::string status_of(std::uint16_t port, const std::string& key,
                             const std::string& run_id) {
  return str(get_run(port, key, run_id).at("status"));
}

/// Every stored event of the run after `after`, following has_more pages.
inline std::vector<json::object> events_of(std::uint16_t port, const std::string& key,
                                           const std::string& run_id, std::int64_t after = 0) {
  std::vector<json::object> all;
  for (int page = 0; page < 100; ++page) {
    const auto r =
        http_get(port, "/v1/runs/" + run_id + "/events?after=" + std::to_string(after), key);
    INFO("GET events of " << run_id << ": " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    const auto body = r.json().as_object();
    for (const auto& e : body.at("events").as_array()) all.push_back(e.as_object());
    if (!body.at("has_more").as_bool()) return all;
    after = body.at("last_seq").to_number<std::int64_t>();
  }
  FAIL("more than 100 pages of events for run " << run_id);
  return all;
}

inline std::string describe(const std::vector<json::object>& events) {
  std::string s;
  for (const auto& e : events) s += serialize(e) + "\n";
  return s;
}

/// seq is 1..n without a gap or repeat, and every event names its run.
inline void check_gapless(const std::vector<json::object>& events, const std::string& run_id) {
  INFO("run " << run_id << " events:\n" << describe(events));
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].at("seq").to_number<std::int64_t>() == static_cast<std::int64_t>(i + 1));
    CHECK(str(events[i].at("run_id")) == run_id);
  }
}

inline std::string death_cause(const json::object& event) {
  const auto* payload = event.if_contains("payload");
  if (!payload || !payload->is_object()) return "<no payload>";
  const auto* cause = payload->as_object().if_contains("death_cause");
  return cause ? str(*cause) : "<no death_cause>";
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

/// The tests' wait_until, polling every 50 ms: each poll here is an HTTP request and
/// a log line or two in the daemon.
inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  return agenthost::testing::wait_until(done, deadline, 50ms);
}

/// Writes `config` for `dir` to dir/agenthost.yaml; its path.
inline fs::path write_config(const TempDir& dir, const ConfigText& config) {
  const auto file = dir.path() / "agenthost.yaml";
  write_file(file, config.render(dir.path()));
  return file;
}

/// The database of one test: SQLite under the data dir (url ""), or a PostgreSQL
/// schema of its own.
struct BackendDatabase {
  std::optional<TestDatabase> pg;
  std::string url;
  explicit BackendDatabase(const std::string& backend) {
    if (backend == "sqlite3") return;
    pg.emplace(backend);
    url = pg->options().url;
  }
};

}  // namespace agenthost::daemon::test
