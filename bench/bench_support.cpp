#include "bench_support.hpp"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <stdexcept>
#include <system_error>
#include <utility>

#include "context/random_id.hpp"
#include "database/migrations.hpp"
#include "plugin_loader/plugin_loader.hpp"

namespace agenthost::bench {

void InMemoryEventStore::append(const events::EventPtr& event) {
  std::vector<events::EventPtr> dropped;
  {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    if (events_.size() >= kKept) {
      dropped.swap(events_);
      events_.reserve(kKept);
    }
  }
  appended_.fetch_add(1, std::memory_order_relaxed);
}

BenchHost::BenchHost() : thread_id(context::random_id()) {
  // The loader and the pool log at info; a benchmark's output is its table.
  spdlog::set_level(spdlog::level::warn);
  plugin_loader::LoaderOptions options;
  options.sources.push_back({std::string(AGENTHOST_PLUGIN_DIR) + "/echo.so", "benchmark"});
  plugin_loader::load_plugins(options, registry);
  registry.freeze();

  database::DatabaseOptions db;
  db.url = "sqlite:" + (dir.path() / "bench.db").string();
  db.pool_size = 4;
  database = std::make_unique<database::DatabaseSessionManager>(db);
  database::apply_migrations(*database);
}

BenchHost::~BenchHost() = default;

const registry::AgentClass& BenchHost::echo() const {
  const auto* echo = registry.find_agent("echo");
  if (!echo) throw std::logic_error("the echo plugin registered no agent named \"echo\"");
  return *echo;
}

context::RunContextRequest BenchHost::run_request() const {
  context::RunContextRequest request;
  request.user_id = "user-0042";
  request.thread_id = thread_id;
  request.agent_name = "echo";
  return request;
}

BenchHost& bench_host() {
  static BenchHost host;
  return host;
}

agenthost::ExecutionContext fixed_context(std::string user_id, std::string run_id) {
  agenthost::ContextFields fields;
  fields.user_id = std::move(user_id);
  fields.run_id = std::move(run_id);
  fields.thread_id = "thread-0001";
  fields.request_id = "request-0001";
  fields.agent_name = "echo";
  return agenthost::ExecutionContext::create(std::move(fields));
}

}  // namespace agenthost::bench
