#include "execution_test_support.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <future>
#include <stdexcept>

#include "agenthost/agent.hpp"
#include "plugin_loader/plugin_loader.hpp"

namespace agenthost::execution::test {

void EventJournal::add(const events::EventPtr& event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  changed_.notify_all();
}

std::vector<events::EventPtr> EventJournal::all() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::vector<events::EventPtr> EventJournal::of_run(const std::string& run_id) const {
  std::vector<events::EventPtr> out;
  for (const auto& e : all())
    if (e->run_id == run_id) out.push_back(e);
  return out;
}

std::vector<std::string> EventJournal::types_of(const std::string& run_id) const {
  std::vector<std::string> out;
  for (const auto& e : of_run(run_id)) out.push_back(e->type);
  return out;
}

long EventJournal::position(const std::string& run_id, const std::string& type) const {
  const auto events = all();
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i]->run_id == run_id && events[i]->type == type) return static_cast<long>(i);
  return -1;
}

bool EventJournal::wait_until(const std::function<bool()>& done,
                              std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  std::unique_lock lock(mutex_);
  for (;;) {
    lock.unlock();
    const bool ok = done();
    lock.lock();
    if (ok) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    changed_.wait_for(lock, 10ms);
  }
}

bool EventJournal::wait_for_event(const std::string& run_id, const std::string& type,
                                  std::chrono::milliseconds deadline) {
  return wait_until([&] { return position(run_id, type) >= 0; }, deadline);
}

TestHost::TestHost(const std::string& backend) : db(backend) {
  // One info line per run: too many for a test's output. Warnings and errors stay.
  spdlog::set_level(spdlog::level::warn);
  plugin_loader::LoaderOptions options;
  options.sources.push_back(
      {std::string(AGENTHOST_TEST_PLUGIN_DIR) + "/testagents.so", "execution test"});
  plugin_loader::load_plugins(options, registry);
  register_probe_agents(registry);
  registry.freeze();
  manager = db.open_migrated([](database::DatabaseOptions& o) { o.pool_size = 16; });
  if (backend == "sqlite3")
    agent_manager = open_agent_pool([](database::DatabaseOptions& o) { o.pool_size = 16; });
  {
    auto lease = agents().acquire();
    lease.session() << "CREATE TABLE IF NOT EXISTS agent_notes "
                       "(run_id TEXT NOT NULL, value TEXT NOT NULL)";
  }
  runs = std::make_unique<database::RunStore>(*manager);
  log = std::make_unique<database::EventLog>(*manager);
}

TestHost::~TestHost() = default;

std::unique_ptr<ExecutionEngine> TestHost::make_engine(EngineOptions options) {
  return std::make_unique<ExecutionEngine>(options, registry, agents(), *runs, *log, router);
}

std::unique_ptr<database::DatabaseSessionManager> TestHost::open_agent_pool(
    const std::function<void(database::DatabaseOptions&)>& change) {
  return db.open([&](database::DatabaseOptions& o) {
    if (db.backend() == "sqlite3") o.url = "sqlite:" + (db.dir() / "agent-data.db").string();
    change(o);
  });
}

std::size_t TestHost::sessions_in_use() {
  return manager->stats().in_use + (agent_manager ? agent_manager->stats().in_use : 0);
}

std::unique_ptr<ExecutionEngine> TestHost::make_engine(
    EngineOptions options, database::DatabaseSessionManager& agent_pool) {
  return std::make_unique<ExecutionEngine>(options, registry, agent_pool, *runs, *log, router);
}

long long TestHost::notes_of(const std::string& run_id) {
  auto lease = agents().acquire();
  long long n = -1;
  lease.session() << "SELECT COUNT(*) FROM agent_notes WHERE run_id = :r", soci::use(run_id),
      soci::into(n);
  return n;
}

std::vector<events::Event> TestHost::stored_events(const std::string& run_id,
                                                   const std::string& user_id) {
  return runs->events_after(run_id, user_id, 0);
}

RunOutcome wait_final(const RunTicket& ticket) {
  if (ticket.finished.wait_for(kDeadline) != std::future_status::ready)
    FAIL("run " << ticket.run_id << " did not end within " << kDeadline.count() << " s");
  return ticket.finished.get();
}

bool is_final_within(const RunTicket& ticket, std::chrono::milliseconds deadline) {
  return ticket.finished.wait_for(deadline) == std::future_status::ready;
}

RunRequest request(std::string user, std::string agent, boost::json::value input,
                   std::optional<std::string> thread, MultitaskStrategy strategy) {
  RunRequest r;
  r.user_id = std::move(user);
  r.agent = std::move(agent);
  r.input = std::move(input);
  r.thread_id = std::move(thread);
  r.strategy = strategy;
  return r;
}

EngineOptions test_options() {
  EngineOptions o;
  o.worker_threads = 4;
  o.max_concurrent_runs_per_user = 2;
  o.max_queued_runs_per_user = 10;
  o.run_timeout = 20s;
  return o;
}

ProbeLeftovers& probe_leftovers() {
  static ProbeLeftovers leftovers;
  return leftovers;
}

namespace {

class OrderProbe final : public agenthost::Agent {
 public:
  using Agent::Agent;
  ~OrderProbe() override {
    auto& p = probe_leftovers();
    std::lock_guard lock(p.mutex);
    p.destroyed = true;
    try {
      events().emit("probe.destructor", {});
      p.emitter_open_in_destructor = true;
    } catch (...) {
    }
    try {
      (void)db().sql();
      p.db_open_in_destructor = true;
    } catch (...) {
    }
    try {
      (void)tools().call("testagents.record", boost::json::object{{"from", "destructor"}});
      p.tools_open_in_destructor = true;
    } catch (...) {
    }
  }
  boost::json::value run(const boost::json::value& input) override {
    {
      auto& p = probe_leftovers();
      std::lock_guard lock(p.mutex);
      p.emitter = &events();
      p.db = &db();
      p.tools = &tools();
    }
    if (input.is_object() && input.as_object().contains("throw"))
      throw std::runtime_error("probe.order throws from run() on request");
    return "probed";
  }
};

class WriteThenWait final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const std::string value = input.is_object() && input.as_object().contains("value")
                                  ? std::string(input.as_object().at("value").as_string())
                                  : std::string("written");
    const std::string run_id = context().run_id();
    db().sql() << "INSERT INTO agent_notes (run_id, value) VALUES (:r, :v)", soci::use(run_id),
        soci::use(value);
    events().thinking("written; waiting to be stopped");
    context().sleep_for(std::chrono::minutes(5));
    return "stopped";
  }
};

std::string string_field(const boost::json::value& input, const char* key, const char* fallback) {
  if (input.is_object())
    if (const auto* v = input.as_object().if_contains(key); v && v->is_string())
      return std::string(v->as_string());
  return fallback;
}

// Opens the run-level transaction with a read (no write lock, even on SQLite), then
// waits until stopped: holds its session across the wait, as plain sql() users do.
class ReadThenWait final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override {
    long long rows = 0;
    db().sql() << "SELECT COUNT(*) FROM agent_notes", soci::into(rows);
    events().thinking("read; waiting to be stopped");
    context().sleep_for(std::chrono::minutes(5));
    return rows;
  }
};

// Writes in a scoped transaction, waits input.ms (until stopped), writes again in
// another: the session is held only inside the two blocks.
class ScopedThenWait final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const std::string value = string_field(input, "value", "scoped");
    const std::string run_id = context().run_id();
    auto insert = [&](const std::string& v) {
      db().transaction([&](soci::session& sql) {
        sql << "INSERT INTO agent_notes (run_id, value) VALUES (:r, :v)", soci::use(run_id),
            soci::use(v);
      });
    };
    insert(value);
    events().thinking("first block committed; waiting");
    std::int64_t ms = 0;
    if (input.is_object())
      if (const auto* v = input.as_object().if_contains("ms"); v && v->is_int64())
        ms = v->as_int64();
    const bool slept = context().sleep_for(std::chrono::milliseconds(ms));
    if (!slept) return {{"slept", false}};
    insert(value + "-after");
    return {{"slept", true}};
  }
};

// A scoped transaction whose block throws after writing: rolled back, exception
// rethrown to the agent, which carries on.
class ScopedThrow final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override {
    const std::string run_id = context().run_id();
    try {
      db().transaction([&](soci::session& sql) {
        sql << "INSERT INTO agent_notes (run_id, value) VALUES (:r, 'doomed')", soci::use(run_id);
        throw std::runtime_error("the block changed its mind");
      });
    } catch (const std::runtime_error& e) {
      return {{"caught", e.what()}};
    }
    return "not thrown";
  }
};

// Asks input.prompt with input.schema ({} when absent), then works input.work_ms
// (sleep_for, a stop ends it early), and returns {"answer", "worked"}. With
// input.checkpoint it saves {"asked": true} first; with input.twice it asks again.
class AskProbe final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto& in = input.as_object();
    const auto* schema = in.if_contains("schema");
    const auto* prompt = in.if_contains("prompt");
    if (in.contains("checkpoint")) context().checkpoint({{"asked", true}});
    auto ask = [&] {
      return context().ask(prompt ? std::string(prompt->as_string()) : "question?",
                           schema ? schema->as_object() : boost::json::object{});
    };
    auto answer = ask();
    if (in.contains("twice")) answer = boost::json::array{answer, ask()};
    bool worked = true;
    if (const auto* ms = in.if_contains("work_ms"))
      worked = context().sleep_for(std::chrono::milliseconds(ms->to_number<std::int64_t>()));
    return {{"answer", answer}, {"worked", worked}};
  }
};

}  // namespace

void register_probe_agents(registry::AgentClassRegistry& registry) {
  auto add = [&](std::string name, agenthost::AgentFactory factory) {
    registry.add_agent(registry::AgentClass{nullptr,
                                            {std::move(name), "in-test agent", "1"},
                                            "execution-tests",
                                            "(linked into the test)",
                                            std::move(factory)});
  };
  add("probe.order", [](const agenthost::AgentServices& s) -> std::unique_ptr<agenthost::Agent> {
    return std::make_unique<OrderProbe>(s);
  });
  add("probe.write_then_wait",
      [](const agenthost::AgentServices& s) -> std::unique_ptr<agenthost::Agent> {
        return std::make_unique<WriteThenWait>(s);
      });
  add("probe.read_then_wait",
      [](const agenthost::AgentServices& s) -> std::unique_ptr<agenthost::Agent> {
        return std::make_unique<ReadThenWait>(s);
      });
  add("probe.scoped_then_wait",
      [](const agenthost::AgentServices& s) -> std::unique_ptr<agenthost::Agent> {
        return std::make_unique<ScopedThenWait>(s);
      });
  add("probe.ask", [](const agenthost::AgentServices& s) -> std::unique_ptr<agenthost::Agent> {
    return std::make_unique<AskProbe>(s);
  });
  add("probe.scoped_throw",
      [](const agenthost::AgentServices& s) -> std::unique_ptr<agenthost::Agent> {
        return std::make_unique<ScopedThrow>(s);
      });
}

}  // namespace agenthost::execution::test
