// agenthost_ask_bench: N runs of the approval agent waiting for their users' answers at
// once, in process (the real engine, a SQLite file, the event log and router; no
// network): resident memory per waiting run, then every run answered and the time
// from ExecutionEngine::answer to the run's next event (input_received), p50/p99/max:
// for the first half one answer at a time (each waits for the previous run's event:
// the latency of an answer alone, with 10,000 runs waiting), for the second half all
// at once (a burst: the latency includes the queue of answers before it).
//
//   agenthost_ask_bench [RUNS=10000] [USERS=10]
//
// Prints one JSON object. Resident memory is this process's (VmRSS): sampled once the
// engine and the database are warm (one wave of runs asked and answered first), and
// again when every run of the measured wave waits.
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/event_log.hpp"
#include "database/migrations.hpp"
#include "database/run_store.hpp"
#include "events/event_router.hpp"
#include "execution/execution_engine.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "support/temp_dir.hpp"

using namespace agenthost;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  return 0;
}

// Counts each run's input_required and stamps its input_received.
class Stamps final : public events::EventSink {
 public:
  void deliver(const events::EventPtr& event) noexcept override {
    std::lock_guard lock(mutex_);
    if (event->type == "input_required") ++asked_;
    if (event->type == "input_received") received_[event->run_id] = Clock::now();
    if (event->type == "agent_completed") ++completed_;
    changed_.notify_all();
  }
  void wait_asked(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return asked_ >= n; });
  }
  void wait_completed(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return completed_ >= n; });
  }
  Clock::time_point received(const std::string& run_id) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return received_.count(run_id) > 0; });
    return received_.at(run_id);
  }
  void reset() {
    std::lock_guard lock(mutex_);
    asked_ = completed_ = 0;
    received_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t asked_ = 0;
  std::size_t completed_ = 0;
  std::unordered_map<std::string, Clock::time_point> received_;
};

struct Wave {
  std::vector<std::pair<std::string, std::string>> runs;  // user, run id
};

Wave start_wave(execution::ExecutionEngine& engine, const std::shared_ptr<Stamps>& sink,
                std::size_t runs, std::size_t users) {
  Wave wave;
  for (std::size_t i = 0; i < runs; ++i) {
    execution::RunRequest request;
    request.user_id = "bench-user-" + std::to_string(i % users);
    request.agent = "approval";
    request.input = boost::json::object{{"refund", static_cast<std::int64_t>(i)}};
    auto ticket = engine.submit(std::move(request), sink);
    wave.runs.emplace_back("bench-user-" + std::to_string(i % users), ticket.run_id);
  }
  sink->wait_asked(runs);
  // The status write follows the event: wait until the engine counts every run waiting.
  while (engine.occupancy().waiting_input < runs)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return wave;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t runs = argc > 1 ? std::stoul(argv[1]) : 10000;
  const std::size_t users = argc > 2 ? std::stoul(argv[2]) : 10;
  spdlog::set_level(spdlog::level::warn);
  testing::TempDir dir;

  registry::AgentClassRegistry registry;
  plugin_loader::LoaderOptions loader;
  loader.sources = {{AGENTHOST_PLUGIN_DIR "/approval.so", "bench"}};
  plugin_loader::load_plugins(loader, registry);
  registry.freeze();
  database::DatabaseOptions db;
  db.url = "sqlite:" + (dir.path() / "host.db").string();
  db.pool_size = 8;
  database::DatabaseSessionManager database(db);
  database::apply_migrations(database);
  database::RunStore store(database);
  database::EventLog log(database);
  events::EventRouter router;
  execution::EngineOptions options;
  options.max_active_runs = 30000;
  options.max_concurrent_runs_per_user = 1000;
  options.max_queued_runs_per_user = 100000;
  options.max_waiting_runs_per_user = 100000;
  execution::ExecutionEngine engine(options, registry, database, store, log, router);
  auto sink = std::make_shared<Stamps>();

  // Answers runs [from, to) of `wave`; one at a time when `closed_loop` (each waits
  // for the previous run's input_received), else all at once.
  auto answer_runs = [&](const Wave& wave, std::size_t from, std::size_t to, bool closed_loop,
                         std::vector<double>* latencies_ms) {
    std::vector<std::pair<std::string, Clock::time_point>> sent;
    for (std::size_t i = from; i < to; ++i) {
      const auto& [user, run_id] = wave.runs[i];
      const auto at = Clock::now();
      auto result = engine.answer(user, run_id, boost::json::object{{"approve", true}});
      if (result.outcome != execution::AnswerResult::Outcome::accepted) {
        std::cerr << "answer refused: " << result.message << "\n";
        std::exit(1);
      }
      sent.emplace_back(run_id, at);
      if (closed_loop) sink->received(run_id);
    }
    if (latencies_ms)
      for (const auto& [run_id, at] : sent)
        latencies_ms->push_back(
            std::chrono::duration<double, std::milli>(sink->received(run_id) - at).count());
  };
  auto settle = [&](std::size_t completed) {
    sink->wait_completed(completed);
    while (engine.occupancy().runs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };

  // Warm-up: the pools, caches and the fibers' stacks of a first wave.
  const auto warmup = std::min<std::size_t>(runs, 1000);
  answer_runs(start_wave(engine, sink, warmup, users), 0, warmup, false, nullptr);
  settle(warmup);
  sink->reset();
  const auto before = rss_kib();
  const auto wave_start = Clock::now();
  const auto wave = start_wave(engine, sink, runs, users);
  const auto all_waiting = Clock::now();
  const auto waiting = rss_kib();
  const auto occupancy = engine.occupancy();
  std::vector<double> alone;
  std::vector<double> burst;
  answer_runs(wave, 0, runs / 2, true, &alone);
  const auto burst_start = Clock::now();
  answer_runs(wave, runs / 2, runs, false, &burst);
  settle(runs);
  const auto burst_end = Clock::now();
  auto summary = [](std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) {
      return ms[std::min(ms.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
    };
    return boost::json::object{
        {"answers", ms.size()}, {"p50", at(0.50)}, {"p99", at(0.99)}, {"max", ms.back()}};
  };
  const double per_run_kib =
      (static_cast<double>(waiting) - static_cast<double>(before)) / static_cast<double>(runs);
  boost::json::object report{
      {"runs", runs},
      {"users", users},
      {"worker_threads", options.worker_threads},
      {"rss_before_kib", before},
      {"rss_waiting_kib", waiting},
      {"rss_per_waiting_run_kib", per_run_kib},
      {"waiting_at_sample", occupancy.waiting_input},
      {"active_at_sample", occupancy.active},
      {"seconds_to_all_waiting", std::chrono::duration<double>(all_waiting - wave_start).count()},
      {"answer_to_input_received_ms_one_at_a_time", summary(alone)},
      {"answer_to_input_received_ms_burst", summary(burst)},
      {"seconds_burst_answered_to_all_final",
       std::chrono::duration<double>(burst_end - burst_start).count()}};
  std::cout << boost::json::serialize(report) << std::endl;
  engine.shutdown(std::chrono::milliseconds(0));
  return 0;
}
