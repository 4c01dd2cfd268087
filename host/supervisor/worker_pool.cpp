#include "supervisor/worker_pool.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>

#include "threads/thread_name.hpp"

namespace agenthost::supervisor {
namespace {

/// How long assign() waits for a process of the run's group to exist (one being
/// started after a crash) before the run fails.
constexpr auto kAssignWait = std::chrono::seconds(5);
/// How long stop() waits for closed processes to leave before killing them.
constexpr auto kStopWait = std::chrono::seconds(5);

ipc::Frame notice(const std::string& run_id, events::DeathCause cause, std::string how) {
  return ipc::Frame{ipc::FrameType::crash, boost::json::object{{"run", run_id},
                                                               {"cause", events::to_string(cause)},
                                                               {"how", std::move(how)}}};
}

}  // namespace

WorkerPool::WorkerPool(WorkerPoolOptions options, DispatchServices services,
                       WorkerObserver* observer)
    : options_(std::move(options)),
      services_(services),
      observer_(observer),
      quarantine_(options_.quarantine),
      // At least a second: a healthy worker busy reading a large frame always takes
      // some of it within that, and cancel_grace may be 0 (stop means kill).
      flusher_(std::max<std::chrono::milliseconds>(options_.cancel_grace, std::chrono::seconds(1)),
               [this](const std::shared_ptr<WorkerProcess>& w, std::size_t bytes) {
                 stalled(w, bytes);
               }) {
  std::set<std::string> plugins;
  for (const auto* agent : services_.registry.agents()) {
    if (dispatches(*agent)) expected_groups_.insert(group_of(*agent));
    if (plugins.insert(agent->plugin_name).second)
      spdlog::info("workers: plugin {} runs in isolation {}", agent->plugin_name,
                   config::to_string(options_.isolation.for_plugin(agent->plugin_name)));
  }
  if (!expected_groups_.empty() && ::access(options_.launch.executable.c_str(), X_OK) != 0)
    throw std::runtime_error(
        "workers: " + options_.launch.executable +
        " is not an executable file; agenthost-worker is installed next to agenthostd, or "
        "workers.executable names it (or set plugins.isolation.default: in_process)");
  for (const auto& group : expected_groups_)
    for (std::uint32_t i = 0; i < options_.processes; ++i) to_spawn_.push_back(group);
  thread_ = threads::start_named("ah-supervise", [this] { supervise(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::dispatches(const registry::AgentClass& agent_class) const {
  return options_.isolation.for_plugin(agent_class.plugin_name) !=
         config::IsolationMode::in_process;
}

std::string WorkerPool::group_of(const registry::AgentClass& agent_class) const {
  return options_.isolation.for_plugin(agent_class.plugin_name) == config::IsolationMode::dedicated
             ? agent_class.plugin_name
             : std::string();
}

std::optional<std::string> WorkerPool::unavailable(const registry::AgentClass& agent_class) const {
  return quarantine_.refusal(agent_class.info.name);
}

execution::RunOutcome WorkerPool::execute(
    execution::RunEntry& run, const std::function<void(events::UserEventEmitter&)>& ready) {
  RemoteRun remote(run, *this, services_);
  return remote.execute(ready);
}

std::shared_ptr<WorkerProcess> WorkerPool::assign(const registry::AgentClass& agent_class,
                                                  const std::string& run_id, ipc::RunInbox& inbox) {
  const auto group = group_of(agent_class);
  std::unique_lock lock(mutex_);
  std::shared_ptr<WorkerProcess> chosen;
  changed_.wait_for(lock, kAssignWait, [&] {
    if (stopping_) return true;
    const auto& workers = groups_[group];
    if (workers.empty()) return false;
    chosen = *std::min_element(workers.begin(), workers.end(),
                               [](const auto& a, const auto& b) { return a->load() < b->load(); });
    return true;
  });
  if (!chosen || stopping_) {
    spdlog::error("no worker process {} is running to take run {}",
                  group.empty() ? std::string("(shared)") : "of plugin " + group, run_id);
    return nullptr;
  }
  chosen->attach(run_id, inbox);
  assignments_[run_id] = Assignment{agent_class.info.name, agent_class.plugin_name};
  return chosen;
}

void WorkerPool::release(const std::shared_ptr<WorkerProcess>& worker, const std::string& run_id) {
  worker->detach(run_id);
  std::lock_guard lock(mutex_);
  assignments_.erase(run_id);
  watches_.erase(run_id);
  // A recycled process whose last run ended need not wait for its deadline.
  if (worker->draining && worker->load() == 0) {
    for (auto& d : draining_)
      if (d.worker == worker) d.kill_at = Clock::now();
    changed_.notify_all();
  }
}

void WorkerPool::watch_stop(const std::shared_ptr<WorkerProcess>& worker, const std::string& run_id,
                            ipc::RunInbox& inbox) {
  std::lock_guard lock(mutex_);
  if (watches_.count(run_id)) return;
  watches_[run_id] = Watch{worker, &inbox, Clock::now() + options_.cancel_grace};
  changed_.notify_all();
}

void WorkerPool::unwatch(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  watches_.erase(run_id);
}

void WorkerPool::await_started(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::string failure;
  const bool started = changed_.wait_for(lock, timeout, [&] {
    for (const auto& group : expected_groups_) {
      const auto& workers = groups_[group];
      if (std::any_of(workers.begin(), workers.end(),
                      [](const auto& w) { return w->ready.load(); }))
        continue;
      if (start_failures_[group] > 0) {
        failure = "a worker process " +
                  (group.empty() ? std::string("of the shared pool") : "of plugin " + group) + " " +
                  last_start_failure_[group] + " before it was ready (its log lines above say why)";
        return true;
      }
      return false;
    }
    return true;
  });
  if (!failure.empty()) throw std::runtime_error("workers: " + failure);
  if (!started)
    throw std::runtime_error("workers: no worker process was ready within " +
                             std::to_string(timeout.count()) + " ms");
}

void WorkerPool::became_ready(const std::shared_ptr<WorkerProcess>& worker) {
  std::lock_guard lock(mutex_);
  start_failures_[worker->group()] = 0;
  changed_.notify_all();
}

std::size_t WorkerPool::lift_quarantines() {
  const auto lifted = quarantine_.lift_all();
  if (lifted > 0) spdlog::warn("workers: the reload lifted {} agent quarantine(s)", lifted);
  return lifted;
}

WorkerPool::Stats WorkerPool::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{alive_, started_, crashed_, recycled_, quarantine_.active()};
}

std::vector<int> WorkerPool::pids() const {
  std::lock_guard lock(mutex_);
  std::vector<int> pids;
  for (const auto& [group, workers] : groups_)
    for (const auto& w : workers) pids.push_back(w->pid());
  return pids;
}

void WorkerPool::supervise() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    while (!to_spawn_.empty() && !stopping_) {
      const auto group = to_spawn_.back();
      to_spawn_.pop_back();
      lock.unlock();
      spawn(group);
      lock.lock();
    }
    std::vector<std::pair<ipc::RunInbox*, ipc::Frame>> notices;
    const auto now = Clock::now();
    for (auto it = delayed_spawns_.begin(); it != delayed_spawns_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      to_spawn_.push_back(it->first);
      it = delayed_spawns_.erase(it);
    }
    if (!to_spawn_.empty()) continue;
    expire_locked(now, notices);
    if (!notices.empty()) {
      lock.unlock();
      for (auto& [inbox, frame] : notices) inbox->push(std::move(frame));
      lock.lock();
      continue;
    }
    auto next = Clock::time_point::max();
    for (const auto& [run, watch] : watches_) next = std::min(next, watch.deadline);
    for (const auto& d : draining_) next = std::min(next, d.kill_at);
    for (const auto& d : delayed_spawns_) next = std::min(next, d.second);
    if (!to_spawn_.empty()) continue;
    // Any change (a new deadline, a process to start, stop) notifies: the loop then
    // looks again, so no predicate on the deadlines computed before it.
    if (!stopping_) changed_.wait_until(lock, next);
  }
  // Stopping: this thread forked every process, and its exit would SIGKILL them
  // (PR_SET_PDEATHSIG) before they read their channel's end. It leaves last, once
  // stop() has seen each one leave (or killed it).
  changed_.wait(lock, [&] { return alive_ == 0; });
}

void WorkerPool::expire_locked(Clock::time_point now,
                               std::vector<std::pair<ipc::RunInbox*, ipc::Frame>>& notices) {
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    const auto& run_id = it->first;
    auto& watch = it->second;
    const auto agent = assignments_.count(run_id) ? assignments_[run_id].agent : std::string("?");
    spdlog::error(
        "run {} of agent {} did not stop within limits.cancel_grace ({} ms); its worker process "
        "{} is recycled",
        run_id, agent, options_.cancel_grace.count(), watch.worker->pid());
    if (observer_) observer_->run_unresponsive(agent);
    watch.worker->detach(run_id);
    if (!watch.worker->draining)
      recycle_locked(watch.worker, "run " + run_id + " of agent " + agent + " did not stop");
    notices.emplace_back(watch.inbox,
                         notice(run_id, events::DeathCause::unresponsive, "did not stop"));
    it = watches_.erase(it);
  }
  for (auto& d : draining_)
    if (d.kill_at <= now && d.kill_at != Clock::time_point::max()) {
      d.worker->kill();
      d.kill_at = Clock::time_point::max();  // reaped by its reader (exited)
    }
}

void WorkerPool::recycle_locked(const std::shared_ptr<WorkerProcess>& worker,
                                const std::string& reason) {
  worker->drain_reason = "was recycled (" + reason + ")";  // after "worker process PID"
  worker->draining = true;
  ++recycled_;
  auto& group = groups_[worker->group()];
  group.erase(std::remove(group.begin(), group.end(), worker), group.end());
  to_spawn_.push_back(worker->group());
  draining_.push_back(
      Draining{worker, worker->load() == 0 ? Clock::now() : Clock::now() + options_.cancel_grace});
  changed_.notify_all();
}

void WorkerPool::stalled(const std::shared_ptr<WorkerProcess>& worker, std::size_t bytes_waiting) {
  std::lock_guard lock(mutex_);
  if (stopping_ || worker->draining) return;
  spdlog::error(
      "workers: worker process {} took nothing of the {} byte(s) waiting for it for "
      "limits.cancel_grace (at least 1 s): it is hung or stopped; killed, its runs end, a "
      "replacement starts",
      worker->pid(), bytes_waiting);
  recycle_locked(worker, "it stopped reading what the supervisor sent");
  // Now, not after the grace: none of its runs can make progress.
  worker->kill();
  draining_.back().kill_at = Clock::time_point::max();  // reaped by its reader (exited)
}

void WorkerPool::spawn(const std::string& group) {
  std::shared_ptr<WorkerProcess> worker;
  try {
    worker = WorkerProcess::spawn(
        options_.launch, group,
        {[this](const std::shared_ptr<WorkerProcess>& w) { became_ready(w); },
         [this](const std::shared_ptr<WorkerProcess>& w, std::string how) {
           exited(w, std::move(how));
         },
         [this](const std::shared_ptr<WorkerProcess>& w) { flusher_.add(w); }});
  } catch (const std::exception& e) {
    spdlog::error("workers: cannot start a worker process ({}): {}", options_.launch.executable,
                  e.what());
    return;  // assign() fails the runs that wait for one; the next death retries
  }
  spdlog::info("workers: started worker process {}{}", worker->pid(),
               group.empty() ? std::string() : " (dedicated to plugin " + group + ")");
  if (observer_) observer_->worker_started();
  std::lock_guard lock(mutex_);
  ++alive_;
  ++started_;
  if (stopping_) worker->close();  // started while stop() was closing the others
  groups_[group].push_back(std::move(worker));
  changed_.notify_all();
}

void WorkerPool::exited(const std::shared_ptr<WorkerProcess>& worker, std::string how) {
  std::vector<std::pair<std::string, ipc::RunInbox*>> runs;
  std::set<std::pair<std::string, std::string>> charged;  // (plugin, agent)
  bool crashed = false;
  {
    std::lock_guard lock(mutex_);
    // Under the pool's lock, as assign() attaches: no run joins it unseen.
    runs = worker->attached();
    auto& group = groups_[worker->group()];
    const auto before = group.size();
    group.erase(std::remove(group.begin(), group.end(), worker), group.end());
    draining_.erase(std::remove_if(draining_.begin(), draining_.end(),
                                   [&](const Draining& d) { return d.worker == worker; }),
                    draining_.end());
    crashed = !stopping_ && !worker->draining;
    if (group.size() < before && !stopping_) {
      if (worker->ready) {
        to_spawn_.push_back(worker->group());
      } else {
        const auto failures = ++start_failures_[worker->group()];
        last_start_failure_[worker->group()] = how;
        const auto delay = std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(500LL << std::min<std::uint32_t>(failures - 1, 6)),
            std::chrono::seconds(30));
        delayed_spawns_.emplace_back(worker->group(), Clock::now() + delay);
      }
    }
    // The run the worker named in its last words, else every run it had.
    const auto culprit = worker->crashed_run();
    for (const auto& [run_id, inbox] : runs) {
      watches_.erase(run_id);
      if (!culprit.empty() && run_id != culprit) continue;
      if (auto it = assignments_.find(run_id); it != assignments_.end())
        charged.emplace(it->second.plugin, it->second.agent);
    }
    if (charged.empty())
      for (const auto& [run_id, inbox] : runs)
        if (auto it = assignments_.find(run_id); it != assignments_.end())
          charged.emplace(it->second.plugin, it->second.agent);
    if (crashed) ++crashed_;
    changed_.notify_all();
  }
  if (crashed) {
    spdlog::error("workers: worker process {} {} while running {} run(s)", worker->pid(), how,
                  runs.size());
    for (const auto& [plugin, agent] : charged) {
      spdlog::error("workers: crash charged to agent {} of plugin {} ({})", agent, plugin, how);
      if (observer_) observer_->worker_crashed(plugin, agent, how);
      if (auto quarantined = quarantine_.record_crash(agent, how))
        spdlog::critical("workers: {}", *quarantined);
    }
  } else {
    spdlog::info("workers: worker process {} {}", worker->pid(), how);
  }
  const std::string told = worker->draining ? worker->drain_reason : how;
  for (const auto& [run_id, inbox] : runs)
    inbox->push(notice(run_id, events::DeathCause::worker_crashed,
                       std::to_string(worker->pid()) + " " + told));
  // Last: stop() returns once every process is counted out, and the pool may then be
  // destroyed; nothing of it is touched after this.
  std::lock_guard lock(mutex_);
  --alive_;
  changed_.notify_all();
}

void WorkerPool::stop() noexcept {
  std::vector<std::shared_ptr<WorkerProcess>> all;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    for (const auto& [group, workers] : groups_)
      all.insert(all.end(), workers.begin(), workers.end());
    for (const auto& d : draining_) all.push_back(d.worker);
    changed_.notify_all();
  }
  // The processes leave before the pool's thread does: its exit would send them
  // SIGKILL (PR_SET_PDEATHSIG follows the thread that forked them).
  for (const auto& w : all) w->close();
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kStopWait, [&] { return alive_ == 0; })) {
      for (const auto& w : all) w->kill();
      for (const auto& [group, workers] : groups_)  // one started meanwhile
        for (const auto& w : workers) w->kill();
      changed_.wait(lock, [&] { return alive_ == 0; });
    }
  }
  if (thread_.joinable()) thread_.join();
  flusher_.stop();
}

}  // namespace agenthost::supervisor
