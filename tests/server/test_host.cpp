#include "server/test_host.hpp"

#include <stdlib.h>

#include <stdexcept>
#include <thread>

#include "auth/jwt_test_tokens.hpp"
#include "database/migrations.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "server/test_client.hpp"

namespace agenthost::server::test {

namespace {

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "agenthost-net-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

}  // namespace

TestHostSettings::TestHostSettings() {
  server.address = "127.0.0.1";
  server.port = 0;
  server.io_threads = 2;
  server.request_threads = 4;
  server.runs_per_second_per_user = 0;
  engine.worker_threads = 4;
  engine.max_concurrent_runs_per_user = 5;
  engine.max_queued_runs_per_user = 100;
  engine.run_timeout = std::chrono::seconds(60);
  auth.jwt_hs256_secret = std::string(agenthost::testing::kTestJwtSecret);
  auth.api_keys = {{kKeyUserApiKey, "keyuser"}};
}

TestHostSettings TestHost::make_settings(const std::function<void(TestHostSettings&)>& adjust) {
  TestHostSettings s;
  if (adjust) adjust(s);
  return s;
}

TestHost::TestHost(const std::function<void(TestHostSettings&)>& adjust)
    : settings(make_settings(adjust)), dir(make_temp_dir()) {
  plugin_loader::LoaderOptions loader;
  loader.sources = {{AGENTHOST_PLUGIN_DIR "/echo.so", "test"},
                    {AGENTHOST_PLUGIN_DIR "/approval.so", "test"},
                    {AGENTHOST_TEST_PLUGIN_DIR "/testagents.so", "test"}};
  plugin_loader::load_plugins(loader, registry);
  registry.freeze();

  database::DatabaseOptions db;
  db.url = "sqlite:" + (dir / "host.db").string();
  db.pool_size = 8;
  database = std::make_unique<database::DatabaseSessionManager>(db);
  database::apply_migrations(*database);
  runs = std::make_unique<database::RunStore>(*database);
  event_log = std::make_unique<database::EventLog>(*database);
  engine = std::make_unique<execution::ExecutionEngine>(settings.engine, registry, *database, *runs,
                                                        *event_log, router);
  authenticator = std::make_unique<auth::Authenticator>(settings.auth);
  server = std::make_unique<HttpServer>(
      settings.server,
      ServerDeps{*engine, *runs, router, *event_log, registry, *authenticator, {}});
  port_ = server->start();
  server->set_ready(true);
}

TestHost::~TestHost() {
  // Reverse order: the network first, then the runs, then storage.
  server->stop();
  engine->shutdown(std::chrono::milliseconds(0));
  server.reset();
  engine.reset();
  event_log.reset();
  runs.reset();
  database.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

std::string TestHost::token(const std::string& user_id) {
  return agenthost::testing::user_token(user_id);
}

std::optional<database::RunRecord> TestHost::run(const std::string& run_id,
                                                 const std::string& user_id) {
  return runs->find_run(run_id, user_id);
}

database::RunRecord TestHost::wait_final(const std::string& run_id, const std::string& user_id) {
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  for (;;) {
    auto record = runs->find_run(run_id, user_id);
    if (record && database::is_terminal_run_status(record->status)) return *record;
    if (std::chrono::steady_clock::now() > until)
      throw std::runtime_error("run " + run_id + " not final after the deadline (status " +
                               (record ? record->status : std::string("absent")) + ")");
    // Polling the store is the condition itself; 10 ms keeps it cheap.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool TestHost::wait_status(const std::string& run_id, const std::string& user_id,
                           const std::string& status) {
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  for (;;) {
    auto record = runs->find_run(run_id, user_id);
    if (record && record->status == status) return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the condition
  }
}

void TestHost::stop_server() { server->stop(); }

}  // namespace agenthost::server::test
