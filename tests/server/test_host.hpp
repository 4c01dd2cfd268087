#pragma once
/// \file
/// The real host's parts for one network test, in process: the echo, approval and testagents
/// plugins loaded from their .so files, a SQLite file in a fresh temp dir with the
/// migrations applied, the real RunStore, EventLog, EventRouter and ExecutionEngine,
/// an Authenticator (JWT + one API key), and the HttpServer on 127.0.0.1, port 0.

#include <catch2/catch.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "auth/auth_options.hpp"
#include "auth/authenticator.hpp"
#include "database/database_session_manager.hpp"
#include "database/event_log.hpp"
#include "database/run_record.hpp"
#include "database/run_store.hpp"
#include "events/event_router.hpp"
#include "execution/engine_types.hpp"
#include "execution/execution_engine.hpp"
#include "registry/agent_class_registry.hpp"
#include "server/http_server.hpp"
#include "server/server_options.hpp"
#include "server/test_client.hpp"

namespace agenthost::server::test {

/// The API key of user "keyuser".
inline constexpr const char* kKeyUserApiKey = "ak_keyuser_0123456789abcdef";

struct TestHostSettings {
  ServerOptions server;
  execution::EngineOptions engine;
  auth::AuthOptions auth;
  TestHostSettings();
};

class TestHost {
 public:
  /// Builds and starts everything; `adjust` may change the defaults first.
  explicit TestHost(const std::function<void(TestHostSettings&)>& adjust = {});
  ~TestHost();
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  /// A valid HS256 token for `user_id`.
  static std::string token(const std::string& user_id);

  /// The run as stored, when `user_id` owns it.
  std::optional<database::RunRecord> run(const std::string& run_id, const std::string& user_id);
  /// Waits until the run has status `status`; false after the deadline.
  bool wait_status(const std::string& run_id, const std::string& user_id,
                   const std::string& status);
  /// Waits until the run's status is terminal; its record (FAILs after the deadline).
  database::RunRecord wait_final(const std::string& run_id, const std::string& user_id);

  /// Stops the server (the other parts stay).
  void stop_server();

  const TestHostSettings settings;
  std::filesystem::path dir;
  registry::AgentClassRegistry registry;
  std::unique_ptr<database::DatabaseSessionManager> database;
  std::unique_ptr<database::RunStore> runs;
  std::unique_ptr<database::EventLog> event_log;
  events::EventRouter router;
  std::unique_ptr<execution::ExecutionEngine> engine;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<HttpServer> server;

 private:
  static TestHostSettings make_settings(const std::function<void(TestHostSettings&)>& adjust);
  std::uint16_t port_ = 0;
};

/// POST /v1/runs with `body` as `user`; the run id (the test fails unless 202).
inline std::string start_run_over_http(TestHost& host, const std::string& user,
                                       const boost::json::object& body) {
  const auto r =
      http_post(host.port(), "/v1/runs", boost::json::serialize(body), TestHost::token(user));
  INFO(r.body);
  REQUIRE(r.status == 202);
  return std::string(r.json().at("run_id").as_string());
}

}  // namespace agenthost::server::test
