// agenthost_load: the load generator (see load_usage() in load_options.cpp).

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <thread>

#include "auth/token_issuer.hpp"
#include "load_options.hpp"
#include "load_report.hpp"
#include "load_worker.hpp"

namespace load = agenthost::bench::load;
using load::Clock;

namespace {

std::string user_name(const load::LoadOptions& o, int index) {
  char digits[16];
  std::snprintf(digits, sizeof(digits), "%06d", index);
  return o.user_prefix + digits;
}

// Every user signs in with its own token, minted with the host's secret as
// `agenthostd --issue-token` would.
std::vector<load::UserToken> user_tokens(const load::LoadOptions& o) {
  agenthost::auth::AuthOptions auth;
  auth.jwt_hs256_secret = o.jwt_secret;
  std::vector<load::UserToken> users;
  users.reserve(static_cast<std::size_t>(o.users));
  for (int i = 0; i < o.users; ++i) {
    auto user = user_name(o, i);
    auto token = agenthost::auth::issue_token(auth, user, std::chrono::hours(24));
    users.push_back({std::move(user), std::move(token)});
  }
  return users;
}

// Closed and open loop: one connection per user. Idle: `connections` spread over them.
std::vector<std::vector<load::UserToken>> deal_connections(
    const load::LoadOptions& o, const std::vector<load::UserToken>& users) {
  const std::size_t total =
      o.mode == load::LoadMode::idle ? static_cast<std::size_t>(o.connections) : users.size();
  std::vector<std::vector<load::UserToken>> shares(static_cast<std::size_t>(o.threads));
  for (std::size_t i = 0; i < total; ++i)
    shares[i % shares.size()].push_back(users[i % users.size()]);
  return shares;
}

std::optional<load::ProcessMemory> server_memory(const load::LoadOptions& o) {
  if (o.server_pid == 0) return std::nullopt;
  auto memory = load::read_process_memory(o.server_pid);
  if (!memory) std::cerr << "agenthost_load: cannot read /proc/" << o.server_pid << "/status\n";
  return memory;
}

std::optional<double> server_cpu(const load::LoadOptions& o) {
  if (o.server_pid == 0) return std::nullopt;
  return load::read_process_cpu_seconds(o.server_pid);
}

// Burst: every run starts at once and nothing more. The main thread watches the shared
// progress and samples the server's memory the moment every run has started and none
// has ended (with --wait-ms: all are waiting), or at the first end if that comes
// sooner (then fewer are waiting, and the report says how many). Returns when the
// wave started.
Clock::time_point run_burst(const load::LoadOptions& o,
                            std::vector<std::unique_ptr<load::LoadWorker>>& workers,
                            const load::RunProgress& progress, load::LoadResult& result) {
  const auto total =
      static_cast<std::uint64_t>(result.connected) * static_cast<std::uint64_t>(o.in_flight);
  // After connecting: the connections' own memory is not the runs'.
  result.server_memory_before = server_memory(o);
  load::LoadSchedule schedule;
  schedule.start = Clock::now() + std::chrono::milliseconds(20);
  schedule.window_begin = schedule.start;  // every run of the wave counts
  schedule.window_end = schedule.start + o.drain;
  std::vector<std::future<void>> drained;
  for (auto& w : workers) drained.push_back(w->run(schedule));
  std::this_thread::sleep_until(schedule.start);
  const auto cpu_begin = server_cpu(o);
  const auto all_drained = [&] {
    for (auto& f : drained)
      if (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    return true;
  };
  bool sampled = false;
  while (!all_drained() && Clock::now() < schedule.window_end) {
    const auto ended = progress.ended.load(std::memory_order_relaxed);
    const auto started = progress.started.load(std::memory_order_relaxed);
    if (!sampled && (started >= total || ended > 0)) {
      sampled = true;
      result.server_memory_waiting = server_memory(o);
      result.runs_waiting = started > ended ? started - ended : 0;
      if (!o.ready_file.empty()) std::ofstream(o.ready_file) << result.runs_waiting << "\n";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const auto cpu_end = server_cpu(o);
  result.server_memory = server_memory(o);  // after the wave
  if (cpu_begin && cpu_end) result.server_cpu_seconds = *cpu_end - *cpu_begin;
  return schedule.start;
}

int run(const load::LoadOptions& o) {
  load::LoadResult result;
  result.options = o;
  const auto users = user_tokens(o);
  auto shares = deal_connections(o, users);
  for (const auto& share : shares) result.connections += share.size();

  load::RunProgress progress;
  std::vector<std::unique_ptr<load::LoadWorker>> workers;
  for (auto& share : shares) {
    const double rate = o.rate * static_cast<double>(share.size()) /
                        static_cast<double>(std::max<std::size_t>(result.connections, 1));
    workers.push_back(std::make_unique<load::LoadWorker>(o, std::move(share), rate, progress));
  }

  if (o.mode == load::LoadMode::idle) result.server_memory_before = server_memory(o);
  const auto connect_start = Clock::now();
  {
    std::vector<std::future<void>> connected;
    for (auto& w : workers) connected.push_back(w->connect_all());
    for (auto& f : connected) f.wait();
  }
  result.connect_seconds = std::chrono::duration<double>(Clock::now() - connect_start).count();
  for (auto& w : workers) result.connected += w->connected();

  std::optional<Clock::time_point> wave_start;
  if (o.mode == load::LoadMode::burst) {
    wave_start = run_burst(o, workers, progress, result);
  } else if (o.mode == load::LoadMode::idle) {
    // Let the server finish whatever each new connection costs it before measuring.
    std::this_thread::sleep_for(o.settle);
    result.server_memory = server_memory(o);
  } else {
    load::LoadSchedule schedule;
    schedule.start = Clock::now() + std::chrono::milliseconds(20);
    schedule.window_begin = schedule.start + o.warmup;
    schedule.window_end = schedule.window_begin + o.duration;
    result.window_seconds = std::chrono::duration<double>(o.duration).count();
    std::vector<std::future<void>> drained;
    for (auto& w : workers) drained.push_back(w->run(schedule));
    std::this_thread::sleep_until(schedule.window_begin);
    const auto cpu_begin = server_cpu(o);
    std::this_thread::sleep_until(schedule.window_end);
    const auto cpu_end = server_cpu(o);
    result.server_memory = server_memory(o);  // under load
    if (cpu_begin && cpu_end) result.server_cpu_seconds = *cpu_end - *cpu_begin;
    const auto deadline = schedule.window_end + o.drain;
    for (auto& f : drained) f.wait_until(deadline);
  }
  for (auto& w : workers) result.stats.merge(w->finish());
  if (wave_start && result.stats.last_terminal > *wave_start) {
    result.window_seconds =
        std::chrono::duration<double>(result.stats.last_terminal - *wave_start).count();
  }
  result.latency = load::summarize(result.stats.latencies_us);

  print_report(std::cout, result);
  if (!o.json_file.empty()) write_json(o.json_file, result);
  if (result.exit_code() == 2)
    std::cerr << "agenthost_load: FAILED: " << result.stats.violations.size()
              << " frame(s) broke the protocol (first: " << result.stats.violations.front()
              << ")\n";
  else if (result.exit_code() == 1)
    std::cerr << "agenthost_load: " << result.stats.errors() << " errors, " << result.connected
              << "/" << result.connections << " connections up\n";
  return result.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << load::load_usage();
      return 0;
    }
  }
  load::LoadOptions options;
  try {
    options = load::parse_load_options(args);
  } catch (const std::exception& e) {
    std::cerr << "agenthost_load: " << e.what() << "\n";
    return 64;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "agenthost_load: " << e.what() << "\n";
    return 1;
  }
}
