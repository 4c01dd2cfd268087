#include "worker/worker_host.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "daemon/component_options.hpp"
#include "daemon/plugin_setup.hpp"
#include "ipc/run_messages.hpp"

namespace agenthost::worker {
namespace {

registry::AgentClassRegistry& loaded(registry::AgentClassRegistry& registry,
                                     const config::HostConfig& config) {
  daemon::load_and_freeze(config.plugins, registry);
  return registry;
}

fiber::FiberScheduler::Options scheduler_options(const config::HostConfig& config) {
  const auto engine = daemon::engine_options(config);
  return {engine.worker_threads, engine.fiber_stack_size};
}

}  // namespace

WorkerHost::WorkerHost(const config::HostConfig& config, ipc::ChannelEnd channel)
    : database_((loaded(registry_, config), daemon::agent_database_options(config))),
      channel_(channel),
      blocking_(daemon::engine_options(config).blocking_threads),
      services_{registry_, database_, channel_, blocking_, router_},
      scheduler_(scheduler_options(config)) {}

WorkerHost::~WorkerHost() = default;

int WorkerHost::serve() {
  channel_.send(ipc::Frame{ipc::FrameType::ready,
                           boost::json::object{{"pid", static_cast<std::int64_t>(::getpid())}}});
  const auto why = channel_.read_frames([this](ipc::Frame&& frame) { on_frame(std::move(frame)); });
  if (!why.empty())
    spdlog::error("worker {}: the channel to the supervisor failed: {}", ::getpid(), why);
  // The supervisor is gone or is done with this worker: whatever still runs here has
  // been ended by it (or cannot be reported any more). Leave at once.
  return why.empty() ? 0 : 1;
}

void WorkerHost::on_frame(ipc::Frame&& frame) {
  try {
    switch (frame.type) {
      case ipc::FrameType::start:
        start_run(frame);
        return;
      case ipc::FrameType::stop: {
        const auto cause = events::death_cause_named(ipc::string_field(frame, "cause"));
        if (!cause) throw ipc::FrameError("frame stop: unknown cause");
        if (auto run = find(ipc::string_field(frame, "run"))) run->stop(*cause);
        return;
      }
      case ipc::FrameType::ack:
        if (auto run = find(ipc::string_field(frame, "run")))
          run->acknowledged(ipc::uint_field(frame, "events"));
        return;
      case ipc::FrameType::reply:
      case ipc::FrameType::call:
        if (auto run = find(ipc::string_field(frame, "run"))) run->inbox().push(std::move(frame));
        return;
      default:
        throw ipc::FrameError("a worker does not take " + std::string(ipc::to_string(frame.type)) +
                              " frames");
    }
  } catch (const std::exception& e) {
    spdlog::error("worker {}: refused a frame from the supervisor: {}", ::getpid(), e.what());
  }
}

void WorkerHost::start_run(const ipc::Frame& frame) {
  const auto run_id = ipc::string_field(frame, "run");
  std::shared_ptr<WorkerRun> run;
  try {
    run = std::make_shared<WorkerRun>(services_, frame);
  } catch (const std::exception& e) {
    // The supervisor ends the run (host_error) when it hears why.
    spdlog::error("worker {}: cannot start run {}: {}", ::getpid(), run_id, e.what());
    channel_.send(ipc::Frame{ipc::FrameType::done,
                             boost::json::object{{"run", run_id}, {"refused", e.what()}}});
    return;
  }
  run->waiter()->set_tag(run_id);  // named by the crash report (crash_report.hpp)
  {
    std::lock_guard lock(mutex_);
    runs_[run_id] = run;
  }
  scheduler_.spawn(run->waiter(), [this, run] {
    run->execute();
    std::lock_guard lock(mutex_);
    runs_.erase(run->run_id());
  });
}

std::shared_ptr<WorkerRun> WorkerHost::find(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(run_id);
  return it == runs_.end() ? nullptr : it->second;
}

}  // namespace agenthost::worker
