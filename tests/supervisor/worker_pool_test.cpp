// The engine with a WorkerPool: runs of the testagents and crashers plugins carried
// out by real agenthost-worker processes, events forwarded, numbered and stored here.
#include <spdlog/spdlog.h>
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include <fstream>

#include "database/event_log.hpp"
#include "database/migrations.hpp"
#include "database/run_store.hpp"
#include "database_test_support.hpp"
#include "events/event_router.hpp"
#include "execution/execution_engine.hpp"
#include "execution/storage_pacer.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "supervisor/worker_pool.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

namespace ex = agenthost::execution;
namespace json = boost::json;
using namespace std::chrono_literals;
using agenthost::database::test::backends_under_test;
using agenthost::database::test::TestDatabase;

namespace {

const std::string kPlugins = AGENTHOST_TEST_PLUGIN_DIR;

/// The host's parts in this process, and a config file for the workers naming the
/// same plugins and agents' database.
struct SupervisedHost {
  agenthost::registry::AgentClassRegistry registry;
  TestDatabase db;
  agenthost::testing::TempDir dir;
  std::unique_ptr<agenthost::database::DatabaseSessionManager> manager;
  std::unique_ptr<agenthost::database::RunStore> runs;
  agenthost::events::EventRouter router;
  std::unique_ptr<agenthost::database::EventLog> log;
  std::unique_ptr<agenthost::supervisor::WorkerPool> pool;
  std::unique_ptr<ex::ExecutionEngine> engine;

  SupervisedHost(const std::string& backend, const std::string& by_plugin) : db(backend) {
    spdlog::set_level(spdlog::level::warn);
    agenthost::plugin_loader::LoaderOptions options;
    for (const auto* name : {"testagents.so", "crashers.so"})
      options.sources.push_back({kPlugins + "/" + name, "supervisor test"});
    agenthost::plugin_loader::load_plugins(options, registry);
    registry.freeze();
    manager = db.open_migrated([](agenthost::database::DatabaseOptions& o) { o.pool_size = 8; });
    runs = std::make_unique<agenthost::database::RunStore>(*manager);
    log = std::make_unique<agenthost::database::EventLog>(*manager);

    const auto config = dir.path() / "worker.yaml";
    std::ofstream out(config);
    out << "server:\n  data_dir: \"" << (dir.path() / "data").string() << "\"\n"
        << "database:\n  url: \"" << db.options().url << "\"\n"
        << "plugins:\n  paths: [\"" << kPlugins << "/testagents.so\", \"" << kPlugins
        << "/crashers.so\"]\n"
        << "limits:\n  worker_threads: 2\n  blocking_threads: 2\n"
        << "logging:\n  level: warn\n";
    out.close();

    agenthost::supervisor::WorkerPoolOptions o;
    o.launch.executable = AGENTHOST_WORKER_PATH;
    o.launch.config_file = config.string();
    o.processes = 2;
    o.cancel_grace = 300ms;
    o.isolation.default_mode = agenthost::config::IsolationMode::worker;
    if (!by_plugin.empty())
      o.isolation.by_plugin[by_plugin] = agenthost::config::IsolationMode::dedicated;
    pool = std::make_unique<agenthost::supervisor::WorkerPool>(
        o, agenthost::supervisor::DispatchServices{registry, *log, router, {}, 1u << 20});
    pool->await_started(60s);
    ex::EngineOptions e;
    e.worker_threads = 2;
    e.blocking_threads = 2;
    engine =
        std::make_unique<ex::ExecutionEngine>(e, registry, *manager, *runs, *log, router, nullptr,
                                              agenthost::models::ModelServices{}, pool.get());
  }

  ~SupervisedHost() {
    engine->shutdown(5s);
    pool->stop();
  }

  ex::RunOutcome run(const std::string& user, const std::string& agent, json::value input,
                     std::optional<std::string>* run_id = nullptr) {
    auto ticket = engine->submit(ex::RunRequest{
        user, std::nullopt, agent, std::move(input), ex::MultitaskStrategy::enqueue, {}});
    if (run_id) *run_id = ticket.run_id;
    REQUIRE(ticket.finished.wait_for(60s) == std::future_status::ready);
    return ticket.finished.get();
  }

  std::vector<std::string> types_of(const std::string& run_id, const std::string& user) {
    log->flush();
    std::vector<std::string> types;
    for (const auto& e : runs->events_after(run_id, user, 0)) types.push_back(e.type);
    return types;
  }
};

}  // namespace

TEST_CASE("runs carried out by worker processes end as they do in the host's process") {
  const auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  SupervisedHost host(backend, "");
  std::optional<std::string> id;
  const auto done = host.run("alice", "chatty", json::object{{"count", 5}}, &id);
  CHECK(done.status == "completed");
  CHECK(done.event_count == 7);  // agent_started, 5 events, agent_completed
  const auto types = host.types_of(*id, "alice");
  REQUIRE(types.size() == 7);
  CHECK(types.front() == "agent_started");
  CHECK(types.back() == "agent_completed");

  const auto failed = host.run("bob", "failing", json::object{{"message", "no luck"}});
  CHECK(failed.status == "failed");
  CHECK(std::string(failed.error->at("message").as_string()).find("no luck") != std::string::npos);

  const auto tool = host.run("bob", "toolcaller", json::object{{"value", 3}});
  CHECK(tool.status == "completed");
}

TEST_CASE("a crashing worker ends its run worker_crashed and a replacement takes runs") {
  SupervisedHost host("sqlite3", "crashers");
  auto sleeper = host.engine->submit(ex::RunRequest{"bob",
                                                    std::nullopt,
                                                    "sleepy",
                                                    json::object{{"ms", 500}},
                                                    ex::MultitaskStrategy::enqueue,
                                                    {}});
  const auto crashed = host.run("alice", "crash_segfault", json::object{{"after_ms", 50}});
  CHECK(crashed.status == "failed");
  CHECK(crashed.error->at("error_type").as_string() == "worker_crashed");
  CHECK(std::string(crashed.error->at("message").as_string()).find("SIGSEGV") != std::string::npos);
  REQUIRE(sleeper.finished.wait_for(30s) == std::future_status::ready);
  CHECK(sleeper.finished.get().status == "completed");
  REQUIRE(agenthost::testing::wait_until([&] { return host.pool->stats().started == 5; }, 30s));
  CHECK(host.pool->stats().crashed == 1);
  const auto after = host.run("alice", "crash_resumable", json::object{});
  CHECK(after.status == "completed");
}

TEST_CASE("a run that ignores its stop is ended unresponsive after the grace") {
  SupervisedHost host("sqlite3", "");
  auto ticket = host.engine->submit(ex::RunRequest{
      "alice", std::nullopt, "hang", json::object{}, ex::MultitaskStrategy::enqueue, {}});
  REQUIRE(agenthost::testing::wait_until(
      [&] { return host.types_of(ticket.run_id, "alice").size() >= 2; }, 30s));
  REQUIRE(host.engine->cancel("alice", ticket.run_id));
  REQUIRE(ticket.finished.wait_for(30s) == std::future_status::ready);
  const auto outcome = ticket.finished.get();
  CHECK(outcome.status == "failed");
  CHECK(outcome.error->at("error_type").as_string() == "unresponsive");
  REQUIRE(agenthost::testing::wait_until([&] { return host.pool->stats().recycled == 1; }, 30s));
  CHECK(host.run("bob", "sleepy", json::object{{"ms", 1}}).status == "completed");
}

TEST_CASE("a worker's run that emits faster than storage waits, its backlog bounded") {
  const auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  SupervisedHost host(backend, "");
  // Storage fails from the start: the run's record is written (item by item) and it
  // starts, but none of its events can be stored until the table is back.
  agenthost::database::test::take_events_table_away(*host.manager);
  constexpr std::int64_t kEvents = 20000;
  auto ticket = host.engine->submit(ex::RunRequest{"alice",
                                                   std::nullopt,
                                                   "chatty",
                                                   json::object{{"count", kEvents}},
                                                   ex::MultitaskStrategy::enqueue,
                                                   {}});
  // The supervisor's side of the run stops taking its events at the bound; the worker's
  // run stops sending once a window of them is not acknowledged.
  REQUIRE(agenthost::testing::wait_until([&] { return host.log->stats().paced_waits == 1; }, 60s));
  CHECK(host.log->unstored_events(ticket.run_id) == ex::StoragePacer::kPauseAt);

  agenthost::database::test::restore_events_table(*host.manager);
  REQUIRE(ticket.finished.wait_for(60s) == std::future_status::ready);
  const auto outcome = ticket.finished.get();
  CHECK(outcome.status == "completed");
  host.log->flush();
  long long stored = 0, last_seq = 0;
  {
    auto lease = host.manager->acquire();
    lease.session() << "SELECT COUNT(*), MAX(seq) FROM events WHERE run_id = :r",
        soci::into(stored), soci::into(last_seq), soci::use(ticket.run_id);
  }
  CHECK(stored == kEvents + 2);  // every one, agent_started to agent_completed, no gap
  CHECK(last_seq == kEvents + 2);
}
