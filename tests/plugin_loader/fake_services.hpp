#pragma once
// The smallest services that let a test call a plugin's factory and run(): an
// emitter that records events, a dispatcher that calls the registry's tool
// handler directly, and a database session over an in-memory SQLite database.
// Not the host's implementations: no sanitising, no run scope, no schema checks.

#include <soci/session.h>
#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

#include "agenthost/agent.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::testing {

struct RecordedEvent {
  std::string type;
  boost::json::object payload;
};

class RecordingEmitter final : public EventEmitter {
 public:
  void emit(std::string_view type, boost::json::object payload) override;
  std::vector<RecordedEvent> events;
};

class RegistryToolDispatcher final : public ToolDispatcher {
 public:
  RegistryToolDispatcher(const registry::AgentClassRegistry& registry,
                         const ExecutionContext& context)
      : registry_(registry), context_(context) {}
  /// Throws ToolError for an unknown tool, and wraps the handler's exception in one.
  boost::json::value call(std::string_view name, const boost::json::value& input) override;

 private:
  const registry::AgentClassRegistry& registry_;
  const ExecutionContext& context_;
};

class SqliteSession final : public DatabaseSession {
 public:
  SqliteSession();
  soci::session& sql() override { return sql_; }
  void transaction(const std::function<void(soci::session&)>& work) override { work(sql_); }
  const std::string& backend() const override { return backend_; }

 private:
  soci::session sql_;
  std::string backend_ = "sqlite3";
};

/// No model endpoint configured: every chat() fails as in a host without `models`.
class UnconfiguredModels final : public ModelGateway {
 public:
  ChatResult chat(const ChatRequest&) override {
    throw ModelError(ModelError::Kind::not_configured, "no model endpoint is configured");
  }
};

/// A valid context for one run of `agent_name`, cancelled through `stop`.
ExecutionContext test_context(const std::string& agent_name, std::stop_token stop = {});

/// Everything one run needs, wired together; services() is what a factory takes.
class FakeRun {
 public:
  FakeRun(const registry::AgentClassRegistry& registry, const std::string& agent_name,
          std::stop_token stop = {});
  AgentServices services() { return {context, events, db, tools, models}; }

  ExecutionContext context;
  RecordingEmitter events;
  SqliteSession db;
  RegistryToolDispatcher tools;
  UnconfiguredModels models;
};

/// Creates `agent_name` from the registry (REQUIREs it exists) and runs it on `input`.
boost::json::value run_agent(const registry::AgentClassRegistry& registry, FakeRun& run,
                             const std::string& agent_name, const boost::json::value& input);

}  // namespace agenthost::testing
