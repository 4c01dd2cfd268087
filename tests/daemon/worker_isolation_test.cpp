// Worker isolation on the real agenthostd (issue 13): agents of the crashers test
// plugin die of SIGSEGV, abort, std::terminate and _exit, hang ignoring their stop
// token, and allocate without bound, in worker processes the daemon supervises.
// Other users' runs in other workers complete with every event, /readyz stays 200,
// the crashing run ends agent_death worker_crashed naming its agent and signal, a
// replacement worker takes runs, crash loops are quarantined (agent_unavailable)
// until a reload or the quarantine's end, and a run that ignores cancel ends
// agent_death unresponsive after limits.cancel_grace.
#include <catch2/catch.hpp>

#include <fcntl.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <regex>
#include <set>

#include "daemon_harness.hpp"

using namespace agenthost::daemon::test;
using agenthost::database::test::backends_under_test;

namespace {

const std::string kCarolKey = "carol-key-00112233445566778899";
const std::string kDaveKey = "dave-key-99887766554433221100";
const std::string kCrashers = std::string(AGENTHOST_TEST_PLUGIN_DIR) + "/crashers.so";

ConfigText isolation_config(const std::string& database_url, const std::string& isolation,
                            const std::string& workers) {
  ConfigText c;
  c.database_url = database_url;
  c.plugins.push_back(kCrashers);
  c.plugins_extra = "  isolation:\n" + isolation;
  c.api_keys = {{"alice", kAliceKey}, {"bob", kBobKey}, {"carol", kCarolKey}, {"dave", kDaveKey}};
  c.extra = "workers:\n" + workers;
  return c;
}

bool terminal(const std::string& status) {
  return status != "queued" && status != "running" && status != "waiting_input";
}

std::string wait_terminal(std::uint16_t port, const std::string& key, const std::string& run_id) {
  std::string status;
  const bool done = wait_until(
      [&] {
        status = status_of(port, key, run_id);
        return terminal(status);
      },
      30s);
  INFO("run " << run_id << " status " << status);
  REQUIRE(done);
  return status;
}

std::string message_of(const json::object& event) {
  return str(event.at("payload").as_object().at("message"));
}

/// A run of another user that must not notice the crash: completed, agent_started
/// first, agent_completed last, seqs gapless.
void check_untouched(std::uint16_t port, const std::string& key, const std::string& run_id) {
  CHECK(wait_terminal(port, key, run_id) == "completed");
  const auto events = events_of(port, key, run_id);
  check_gapless(events, run_id);
  REQUIRE(events.size() >= 3);
  CHECK(str(events.front().at("type")) == "agent_started");
  CHECK(str(events.back().at("type")) == "agent_completed");
}

/// Alice's short runs, one after the other, each completed: with runs going to the
/// least-loaded process, every worker has then carried one.
void complete_short_runs(const Daemon& daemon, int runs) {
  for (int i = 0; i < runs; ++i) {
    const auto run = start_run(daemon.port, kAliceKey, "sleepy", {{"ms", 10}});
    CHECK(wait_terminal(daemon.port, kAliceKey, run) == "completed");
  }
}

/// The pids of the worker processes the daemon's log says it started.
std::vector<int> started_workers(const Daemon& daemon) {
  static const std::regex started(R"(started worker process ([0-9]+))");
  std::vector<int> pids;
  const auto err = daemon.err();
  for (std::sregex_iterator it(err.begin(), err.end(), started), end; it != end; ++it)
    pids.push_back(std::stoi((*it)[1].str()));
  return pids;
}

}  // namespace

TEST_CASE("a worker that crashes ends only its own runs, and other users' runs complete",
          "[daemon][workers]") {
  // Every kind of crash on SQLite; a segfault on PostgreSQL too.
  const auto [backend, agent] =
      GENERATE(table<std::string, std::string>({{"sqlite3", "crash_segfault"},
                                                {"sqlite3", "crash_abort"},
                                                {"sqlite3", "crash_terminate"},
                                                {"sqlite3", "crash_exit"},
                                                {"postgresql", "crash_segfault"}}));
  if (backend == "postgresql" && backends_under_test().size() < 2) {
    WARN("AGENTHOST_TEST_PG_URL not set: the PostgreSQL case is skipped");
    return;
  }
  INFO("backend " << backend << ", agent " << agent);
  BackendDatabase database(backend);
  TempDir dir;
  // The crashers are dedicated: their crashes never reach another plugin's worker.
  Daemon daemon(write_config(dir, isolation_config(database.url,
                                                   "    default: worker\n    by_plugin:\n"
                                                   "      crashers: dedicated\n",
                                                   "  processes: 2\n")));
  const auto port = daemon.port;
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 4; }, 20s));

  std::vector<std::pair<std::string, std::string>> others;  // (key, run)
  for (const auto* key : {&kBobKey, &kCarolKey, &kDaveKey})
    for (int i = 0; i < 2; ++i)
      others.emplace_back(*key, start_run(port, *key, "sleepy", {{"ms", 1200}}));
  const auto crashing = start_run(port, kAliceKey, agent, {{"after_ms", 300}});

  // /readyz stays 200 the whole time.
  bool all_ended = false;
  while (!all_ended) {
    REQUIRE(http_get(port, "/readyz", std::nullopt).status == 200);
    all_ended = terminal(status_of(port, kAliceKey, crashing));
    for (const auto& [key, run] : others)
      all_ended = all_ended && terminal(status_of(port, key, run));
  }
  for (const auto& [key, run] : others) check_untouched(port, key, run);

  CHECK(status_of(port, kAliceKey, crashing) == "failed");
  const auto events = events_of(port, kAliceKey, crashing);
  check_gapless(events, crashing);
  REQUIRE(events.size() == 3);  // agent_started, progress_update, agent_death
  CHECK(str(events[1].at("type")) == "progress_update");
  CHECK(str(events.back().at("type")) == "agent_death");
  CHECK(death_cause(events.back()) == "worker_crashed");
  const auto message = message_of(events.back());
  CHECK(contains(message, agent));
  const std::string how = agent == "crash_exit"       ? "exited with status 3"
                          : agent == "crash_segfault" ? "killed by signal SIGSEGV (11)"
                                                      : "killed by signal SIGABRT (6)";
  CHECK(contains(message, how));
  // The log names the plugin, the agent and the signal.
  CHECK(contains(daemon.err(), "crash charged to agent " + agent + " of plugin crashers"));

  // A replacement worker takes runs: a new run of the plugin starts (and is
  // cancelled while it waits, before it would crash).
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 5; }, 20s));
  const auto next = start_run(port, kAliceKey, agent, {{"after_ms", 60000}});
  REQUIRE(wait_until([&] { return events_of(port, kAliceKey, next).size() >= 2; }, 20s));
  REQUIRE(http_post(port, "/v1/runs/" + next + "/cancel", "", kAliceKey).status == 202);
  CHECK(wait_terminal(port, kAliceKey, next) == "cancelled");
}

TEST_CASE(
    "a shared worker's crash ends its other runs, and a resumable run continues from its "
    "checkpoint",
    "[daemon][workers]") {
  TempDir dir;
  // One shared worker: every run is in the same process.
  Daemon daemon(
      write_config(dir, isolation_config("", "    default: worker\n", "  processes: 1\n")));
  const auto port = daemon.port;
  const auto bystander = start_run(port, kBobKey, "sleepy", {{"ms", 3000}});
  REQUIRE(wait_until([&] { return events_of(port, kBobKey, bystander).size() >= 2; }, 20s));
  const auto resumable = start_run(port, kAliceKey, "crash_resumable", json::object{});

  CHECK(wait_terminal(port, kAliceKey, resumable) == "completed");
  const auto events = events_of(port, kAliceKey, resumable);
  check_gapless(events, resumable);
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(str(e.at("type")));
  INFO(describe(events));
  REQUIRE(types == std::vector<std::string>{"agent_started", "progress_update", "agent_resumed",
                                            "agent_started", "agent_completed"});
  CHECK(events[2].at("payload").at("from_checkpoint").as_bool());
  CHECK(contains(message_of(events[2]), "SIGSEGV"));
  const auto& result = events.back().at("payload").at("result").as_object();
  CHECK(result.at("resumed").as_bool());
  CHECK(result.at("checkpoint") == json::value(json::object{{"step", 1}}));

  // Bob's run shared the process: the isolation mode `worker` trades that for fewer
  // processes (`dedicated` keeps a plugin's crashes to its own workers).
  CHECK(wait_terminal(port, kBobKey, bystander) == "failed");
  const auto bob_events = events_of(port, kBobKey, bystander);
  check_gapless(bob_events, bystander);
  CHECK(death_cause(bob_events.back()) == "worker_crashed");
  CHECK(contains(message_of(bob_events.back()), "sleepy"));
  // Only the agent whose run was on the CPU is charged with the crash.
  CHECK(contains(daemon.err(), "crash charged to agent crash_resumable"));
  CHECK_FALSE(contains(daemon.err(), "crash charged to agent sleepy"));
}

TEST_CASE(
    "an agent that keeps crashing its workers is quarantined until a reload or the "
    "quarantine's end",
    "[daemon][workers]") {
  TempDir dir;
  const auto config = write_config(
      dir, isolation_config("", "    default: worker\n    by_plugin:\n      crashers: dedicated\n",
                            "  processes: 1\n  quarantine:\n    crashes: 2\n    within: 1m\n"
                            "    duration: 3s\n"));
  Daemon daemon(config);
  const auto port = daemon.port;
  auto crash_twice = [&] {
    for (int i = 0; i < 2; ++i) {
      const auto run = start_run(port, kAliceKey, "crash_abort", json::object{});
      CHECK(wait_terminal(port, kAliceKey, run) == "failed");
    }
  };
  // A probe that does not crash when accepted: it waits, and is cancelled.
  auto refused = [&] {
    const auto r = post_run(port, kAliceKey, "crash_abort", {{"after_ms", 60000}});
    if (r.status == 202) {
      const auto run = str(r.json().at("run_id"));
      http_post(port, "/v1/runs/" + run + "/cancel", "", kAliceKey);
      CHECK(wait_terminal(port, kAliceKey, run) == "cancelled");
      return false;
    }
    return r.status == 503 && r.error_code() == "agent_unavailable";
  };

  crash_twice();
  const auto r = post_run(port, kAliceKey, "crash_abort", {{"after_ms", 60000}});
  INFO(r.body);
  REQUIRE(r.status == 503);
  CHECK(r.error_code() == "agent_unavailable");
  CHECK(contains(r.body, "crash_abort"));
  CHECK(contains(r.body, "until"));
  CHECK(contains(daemon.err(), "agent \"crash_abort\" is quarantined until"));
  // Other agents, of the same plugin too, are not refused.
  const auto other = start_run(port, kBobKey, "sleepy", {{"ms", 10}});
  CHECK(wait_terminal(port, kBobKey, other) == "completed");
  CHECK(post_run(port, kAliceKey, "crash_exit", {{"after_ms", 10}}).status == 202);

  // A reload lifts it.
  daemon.process->signal(SIGHUP);
  REQUIRE(wait_until([&] { return !refused(); }, 10s));

  // So does its end.
  crash_twice();
  REQUIRE(refused());
  REQUIRE(wait_until([&] { return !refused(); }, 15s));
}

TEST_CASE(
    "a run that ignores cancel is ended unresponsive and its worker recycled after the "
    "grace",
    "[daemon][workers]") {
  TempDir dir;
  auto c = isolation_config("", "    default: worker\n", "  processes: 1\n");
  c.limits = "  cancel_grace: 500ms\n";
  Daemon daemon(write_config(dir, c));
  const auto port = daemon.port;
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 1; }, 20s));
  // Bob's run shares the worker; it ends within the grace, so it completes.
  const auto bystander = start_run(port, kBobKey, "sleepy", {{"ms", 700}});
  const auto stuck = start_run(port, kAliceKey, "hang", json::object{});
  REQUIRE(wait_until([&] { return events_of(port, kAliceKey, stuck).size() >= 2; }, 20s));
  const auto cancelled_at = std::chrono::steady_clock::now();
  REQUIRE(http_post(port, "/v1/runs/" + stuck + "/cancel", "", kAliceKey).status == 202);

  CHECK(wait_terminal(port, kAliceKey, stuck) == "failed");
  CHECK(std::chrono::steady_clock::now() - cancelled_at >= 500ms);
  const auto events = events_of(port, kAliceKey, stuck);
  check_gapless(events, stuck);
  CHECK(death_cause(events.back()) == "unresponsive");
  CHECK(contains(message_of(events.back()), "hang"));
  check_untouched(port, kBobKey, bystander);

  // The recycled worker is killed and replaced; the replacement takes runs.
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 2; }, 20s));
  REQUIRE(
      wait_until([&] { return contains(daemon.err(), "was killed by signal SIGKILL (9)"); }, 20s));
  const auto after = start_run(port, kBobKey, "sleepy", {{"ms", 10}});
  check_untouched(port, kBobKey, after);
  CHECK(http_get(port, "/readyz", std::nullopt).status == 200);
}

TEST_CASE("a worker over workers.memory_limit_mb dies alone", "[daemon][workers]") {
  TempDir dir;
  Daemon daemon(write_config(
      dir, isolation_config("", "    default: worker\n    by_plugin:\n      crashers: dedicated\n",
                            "  processes: 1\n  memory_limit_mb: 512\n")));
  const auto port = daemon.port;
  const auto bystander = start_run(port, kBobKey, "sleepy", {{"ms", 800}});
  const auto hog = start_run(port, kAliceKey, "memory_hog", json::object{});
  CHECK(wait_terminal(port, kAliceKey, hog) == "failed");
  const auto events = events_of(port, kAliceKey, hog);
  CHECK(death_cause(events.back()) == "worker_crashed");
  CHECK(contains(message_of(events.back()), "memory_hog"));
  check_untouched(port, kBobKey, bystander);
}

TEST_CASE("worker processes start with no new privileges and only the descriptors they need",
          "[daemon][workers]") {
  TempDir dir;
  Daemon daemon(
      write_config(dir, isolation_config("", "    default: worker\n", "  processes: 2\n")));
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 2; }, 20s));
  // A run has gone through each worker's database pool and event loop first.
  complete_short_runs(daemon, 4);
  for (const int pid : started_workers(daemon)) {
    INFO("worker " << pid);
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line, no_new_privs;
    while (std::getline(status, line))
      if (line.rfind("NoNewPrivs:", 0) == 0) no_new_privs = line;
    CHECK(contains(no_new_privs, "1"));
    // The daemon's listening socket and client connections are not inherited: the
    // only sockets a worker on SQLite has are its channel's, fds 3 and 4.
    std::set<int> sockets;
    for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
      std::error_code error;
      const auto target = fs::read_symlink(entry.path(), error).string();
      if (target.rfind("socket:", 0) == 0) sockets.insert(std::stoi(entry.path().filename()));
    }
    CHECK(sockets == std::set<int>{3, 4});
    CHECK(contains(fs::read_symlink("/proc/" + std::to_string(pid) + "/fd/5").string(), "pipe:"));
    // None of the three goes to a process an agent starts (one that outlived the
    // worker would hold the channel open): close-on-exec, O_CLOEXEC in fdinfo's
    // octal flags.
    for (const int fd : {3, 4, 5}) {
      INFO("fd " << fd);
      std::ifstream fdinfo("/proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(fd));
      std::string flags;
      while (std::getline(fdinfo, line))
        if (line.rfind("flags:", 0) == 0) flags = line.substr(6);
      REQUIRE_FALSE(flags.empty());
      CHECK((std::stoul(flags, nullptr, 8) & O_CLOEXEC) != 0);
    }
  }
}

TEST_CASE("the threads of agenthostd and of its workers are named for what they do",
          "[daemon][workers]") {
  TempDir dir;
  Daemon daemon(
      write_config(dir, isolation_config("", "    default: worker\n", "  processes: 1\n")));
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 1; }, 20s));
  const int worker = started_workers(daemon).front();
  const auto names_of = [](int pid) {
    std::multiset<std::string> names;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      names.insert(name);
    }
    return names;
  };
  // Each thread names itself as it starts: waited for.
  const std::vector<std::string> expected = {"ah-io-0",       "ah-fiber-0",
                                             "ah-blocking-0", "ah-event-writer",
                                             "ah-checkpoint", "ah-run-timer",
                                             "ah-supervise",  "ah-request-0",
                                             "ah-request-15", "ah-wrk-" + std::to_string(worker)};
  std::multiset<std::string> host;
  const bool named = wait_until(
      [&] {
        host = names_of(daemon.process->pid());
        return std::all_of(expected.begin(), expected.end(),
                           [&](const std::string& name) { return host.count(name) == 1; });
      },
      10s);
  for (const auto& name : expected) {
    INFO("agenthostd thread " << name);
    CHECK(host.count(name) == 1);
  }
  CHECK(named);
  const auto in_worker = names_of(worker);
  CHECK(in_worker.count("ah-fiber-0") == 1);
  CHECK(in_worker.count("ah-blocking-0") == 1);
}

#if AGENTHOST_TCMALLOC_LINKED
TEST_CASE("agenthostd and its workers allocate with TCMalloc, as the benchmarks measured them",
          "[daemon][workers]") {
  TempDir dir;
  Daemon daemon(write_config(dir, isolation_config("", "    default: worker\n", "")));
  REQUIRE(wait_until([&] { return !started_workers(daemon).empty(); }, 20s));
  const auto maps_tcmalloc = [](int pid) {
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    std::string line;
    while (std::getline(maps, line))
      if (contains(line, "libtcmalloc_minimal")) return true;
    return false;
  };
  CHECK(maps_tcmalloc(daemon.process->pid()));
  for (const int pid : started_workers(daemon)) {
    INFO("worker " << pid);
    CHECK(maps_tcmalloc(pid));
  }
}
#endif

TEST_CASE("at SIGTERM each worker process leaves when its channel closes: none is killed",
          "[daemon][workers]") {
  TempDir dir;
  Daemon daemon(
      write_config(dir, isolation_config("", "    default: worker\n", "  processes: 2\n")));
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 2; }, 20s));
  complete_short_runs(daemon, 2);
  daemon.process->signal(SIGTERM);
  REQUIRE(daemon.process->wait(30s) == 0);
  // The pool's thread forked them (PR_SET_PDEATHSIG): had it left first, they would
  // have died of SIGKILL before reading the end of their channel.
  const auto err = daemon.err();
  INFO("agenthostd stderr:\n" << err);
  for (const int pid : started_workers(daemon))
    CHECK(contains(err, "worker process " + std::to_string(pid) + " exited with status 0"));
  CHECK_FALSE(contains(err, "SIGKILL"));
}

TEST_CASE("a worker that stops reading holds up no thread of agenthostd and is replaced",
          "[daemon][workers]") {
  TempDir dir;
  auto config = isolation_config("", "    default: worker\n", "  processes: 2\n");
  config.server_extra = "  runs_per_second_per_user: 0\n";
  config.limits = "  max_concurrent_runs_per_user: 50\n  cancel_grace: 1s\n";
  Daemon daemon(write_config(dir, config));
  REQUIRE(wait_until(
      [&] {
        const auto pids = started_workers(daemon);
        return pids.size() == 2 &&
               contains(daemon.err(), "worker " + std::to_string(pids[0]) + ": plugins loaded") &&
               contains(daemon.err(), "worker " + std::to_string(pids[1]) + ": plugins loaded");
      },
      20s));
  const int stopped = started_workers(daemon).front();
  REQUIRE(::kill(stopped, SIGSTOP) == 0);  // it reads nothing from now on

  // Runs of 150 KB inputs that take 2 s: assigned in turn to the two workers, so the
  // stopped one is sent far more than its socket buffer holds. A blocking send would
  // hold the fiber thread that sends it, with every run placed on that thread.
  const std::string pad(150 * 1024, 'p');
  std::vector<std::string> alice_runs;
  for (int i = 0; i < 8; ++i)
    alice_runs.push_back(start_run(daemon.port, kAliceKey, "sleepy", {{"ms", 2000}, {"pad", pad}}));
  // Another user's short runs, spread over every fiber thread: the host answers
  // meanwhile, and each run ends (none waits behind a thread stuck in a send).
  std::vector<std::string> bob_runs;
  for (int i = 0; i < 8; ++i)
    bob_runs.push_back(start_run(daemon.port, kBobKey, "sleepy", {{"ms", 10}}));
  CHECK(http_get(daemon.port, "/healthz", kBobKey).status == 200);

  // The stopped worker is killed after limits.cancel_grace without reading: the runs
  // it had end saying why, the healthy worker's complete, a replacement starts.
  int completed = 0, ended_with_it = 0;
  const auto check_ended = [&](const std::string& key, const std::string& run) {
    const auto status = wait_terminal(daemon.port, key, run);
    if (status == "completed") return ++completed, void();
    const auto events = events_of(daemon.port, key, run);
    REQUIRE_FALSE(events.empty());
    CHECK(str(events.back().at("type")) == "agent_death");
    CHECK(contains(message_of(events.back()), "stopped reading what the supervisor sent"));
    ++ended_with_it;
  };
  for (const auto& run : bob_runs) check_ended(kBobKey, run);
  for (const auto& run : alice_runs) check_ended(kAliceKey, run);
  CHECK(completed > 0);
  CHECK(ended_with_it > 0);
  const auto err = daemon.err();
  INFO("agenthostd stderr:\n" << err);
  CHECK(contains(err, "worker process " + std::to_string(stopped) + " took nothing of the"));
  REQUIRE(wait_until([&] { return started_workers(daemon).size() == 3; }, 20s));
  const auto after = start_run(daemon.port, kBobKey, "sleepy", {{"ms", 10}});
  CHECK(wait_terminal(daemon.port, kBobKey, after) == "completed");
}
