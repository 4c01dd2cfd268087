// Nothing a client saw is lost: agenthostd killed with SIGKILL at a random moment of a
// load (three users keeping runs going over WebSockets, each run streaming events),
// then restarted on the same database. Every event a client received is in the store,
// identical; every run's seqs are gapless from 1; every run ends with exactly one
// terminal event, stored last (recovery ends the interrupted ones agent_death, the
// resumable ones continue from their checkpoint and complete).
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "daemon_harness.hpp"

using namespace agenthost::daemon::test;
using agenthost::database::test::backends_under_test;
using agenthost::server::test::WsClient;
using agenthost::server::test::WsOptions;
using agenthost::server::test::WsRead;

namespace {

const std::string kCarolKey = "carol-key-00112233445566778899";

bool is_terminal_type(const std::string& type) {
  return type == "agent_completed" || type == "agent_error" || type == "agent_death";
}

/// One user's connection, read on its own thread until the host dies under it. It keeps
/// `in_flight` runs going: each terminal event starts the next run. Records what the
/// client was shown; checks happen on the test's thread (Catch2 asserts are not
/// thread-safe).
class LoadClient {
 public:
  LoadClient(std::uint16_t port, std::string user, const std::string& key, int in_flight)
      : user_(std::move(user)), in_flight_(in_flight) {
    ws_ = WsClient::connect(port, WsOptions{key, std::nullopt, 0});
    thread_ = std::thread([this] { read_until_gone(); });
  }
  ~LoadClient() {
    if (thread_.joinable()) thread_.join();
  }
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  /// Waits for the reader to see the connection end (the host was killed).
  void join() { thread_.join(); }

  int events_received() const { return events_received_.load(); }
  const std::string& user() const { return user_; }
  /// Runs the host accepted, and every event of each the client received (in order).
  const std::set<std::string>& accepted() const { return accepted_; }
  const std::map<std::string, std::vector<json::object>>& received() const { return received_; }
  const std::string& problem() const { return problem_; }

 private:
  void start_next() {
    // Two of three runs stream plain events (not resumable: recovery ends them), one in
    // three is the resumable "durable" agent (it continues after the restart).
    const bool durable = started_ % 3 == 2;
    json::object frame{{"type", "start_run"},
                       {"request_id", user_ + "-" + std::to_string(started_++)},
                       {"agent", durable ? "durable" : "chatty"}};
    frame["input"] = durable ? json::value{{"steps", 4}, {"ms", 15}} : json::value{{"count", 200}};
    ws_->send(frame);
  }

  void read_until_gone() {
    try {
      for (int i = 0; i < in_flight_; ++i) start_next();
      for (;;) {
        auto r = ws_->read(30s);
        if (!r.is_message()) return;  // closed or reset: the host is gone
        const auto type = r.type();
        if (type == "run_accepted") {
          accepted_.insert(str(r.message.at("run_id")));
          continue;
        }
        if (!r.message.contains("seq")) {
          problem_ += "unexpected frame " + r.text + "\n";
          continue;
        }
        received_[str(r.message.at("run_id"))].push_back(r.message);
        ++events_received_;
        if (is_terminal_type(type)) start_next();
      }
    } catch (const std::exception& e) {
      // A send into a connection the kill just reset ends the load the same way.
      problem_ += std::string("after the kill: ") + e.what() + "\n";
    }
  }

  std::string user_;
  int in_flight_;
  int started_ = 0;
  std::unique_ptr<WsClient> ws_;
  std::atomic<int> events_received_{0};
  std::set<std::string> accepted_;
  std::map<std::string, std::vector<json::object>> received_;
  std::string problem_;
  std::thread thread_;
};

/// The run's stored events once its terminal event is stored (recovery or the resumed
/// run may still be on its way when the restarted host reports ready).
std::vector<json::object> settled_events(std::uint16_t port, const std::string& key,
                                         const std::string& run_id) {
  std::vector<json::object> events;
  const bool ended = wait_until(
      [&] {
        events = events_of(port, key, run_id);
        return !events.empty() && is_terminal_type(str(events.back().at("type")));
      },
      60s);
  INFO("run " << run_id << " events:\n" << describe(events));
  CHECK(ended);
  return events;
}

}  // namespace

TEST_CASE("every event a client received survives kill -9 under load, each run ends once",
          "[daemon][durability]") {
  const auto backend = GENERATE(from_range(backends_under_test()));
  BackendDatabase database(backend);
  TempDir dir;
  ConfigText config;
  config.database_url = database.url;
  config.server_extra = "  runs_per_second_per_user: 0\n";
  config.api_keys = {{"alice", kAliceKey}, {"bob", kBobKey}, {"carol", kCarolKey}};
  const auto config_file = write_config(dir, config);
  const std::map<std::string, std::string> keys{
      {"alice", kAliceKey}, {"bob", kBobKey}, {"carol", kCarolKey}};

  // The kill lands after a random number of events received: early (runs starting,
  // first batches) to late (hundreds of runs in).
  std::random_device seed;
  const auto kill_after = std::uniform_int_distribution<int>(50, 6000)(seed);
  INFO("backend " << backend << ", killed after " << kill_after << " events received");

  std::vector<std::unique_ptr<LoadClient>> clients;
  {
    Daemon host(config_file);
    for (const auto& [user, key] : keys)
      clients.push_back(std::make_unique<LoadClient>(host.port, user, key, 4));
    const auto received = [&] {
      int n = 0;
      for (const auto& c : clients) n += c->events_received();
      return n;
    };
    REQUIRE(wait_until([&] { return received() >= kill_after; }, 60s));
    host.process->signal(SIGKILL);
    const auto status = host.process->wait(30s);
    REQUIRE(status.has_value());
    CHECK(*status == 128 + SIGKILL);
    for (auto& c : clients) c->join();
  }

  Daemon host(config_file);
  INFO("restarted agenthostd stderr:\n" << host.err());
  std::size_t runs = 0, events_checked = 0, interrupted = 0, resumed = 0;
  for (const auto& client : clients) {
    INFO("user " << client->user() << ": " << client->problem());
    const auto& key = keys.at(client->user());
    for (const auto& [run_id, seen] : client->received())
      CHECK(client->accepted().count(run_id) == 1);  // nobody else's run
    for (const auto& run_id : client->accepted()) {
      ++runs;
      const auto stored = settled_events(host.port, key, run_id);
      check_gapless(stored, run_id);
      std::size_t terminals = 0;
      for (const auto& e : stored) {
        const auto type = str(e.at("type"));
        terminals += is_terminal_type(type) ? 1 : 0;
        if (type == "agent_resumed") ++resumed;
        if (type == "agent_death" && death_cause(e) == "interrupted") ++interrupted;
      }
      CHECK(terminals == 1);
      // What the client was shown is stored exactly so, at the seq it was shown with.
      const auto it = client->received().find(run_id);
      if (it == client->received().end()) continue;
      for (const auto& shown : it->second) {
        const auto seq = shown.at("seq").to_number<std::size_t>();
        INFO("run " << run_id << ": shown " << serialize(shown));
        REQUIRE(seq >= 1);
        REQUIRE(seq <= stored.size());
        const auto& kept = stored[seq - 1];
        CHECK(kept.at("type") == shown.at("type"));
        CHECK(kept.at("payload") == shown.at("payload"));
        CHECK(kept.at("timestamp") == shown.at("timestamp"));
        ++events_checked;
      }
    }
  }
  INFO(runs << " runs, " << events_checked << " events shown before the kill, " << interrupted
            << " ended interrupted, " << resumed << " resumed");
  CHECK(runs > 0);
  CHECK(events_checked >= static_cast<std::size_t>(kill_after));

  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}
