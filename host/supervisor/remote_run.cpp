#include "supervisor/remote_run.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <stdexcept>
#include <utility>

#include "agenthost/event_emitter.hpp"
#include "events/event.hpp"
#include "events/host_events.hpp"
#include "ipc/run_messages.hpp"
#include "supervisor/worker_pool.hpp"

namespace agenthost::supervisor {
namespace {

using execution::RunEnding;
namespace error_type = execution::error_type;

/// Crashed runs of a resumable agent continue from their checkpoint this many times;
/// the next crash ends them (a run that always crashes must end, and counts towards
/// its agent's quarantine meanwhile).
constexpr std::uint32_t kMaxResumes = 3;

}  // namespace

RemoteRun::RemoteRun(execution::RunEntry& run, WorkerPool& pool, const DispatchServices& services)
    : run_(run),
      pool_(pool),
      services_(services),
      corr_(run.context.correlation_id()),
      pacer_(services.store, run.context, *run.waiter),
      emitter_(run.context, services.store, services.router, {}, &pacer_),
      tools_(*this),
      model_transport_(services.models.endpoints, *run.waiter),
      model_usage_(services.models.ledger, services.models.endpoints, run.context.user_id(),
                   run.context.run_id(), *run.waiter),
      models_(
          model_transport_, run.context, services.registry, tools_,
          [this](std::string_view type, boost::json::object payload) {
            emitter_.emit_host(type, std::move(payload));
          },
          &model_usage_) {}

RemoteRun::~RemoteRun() {
  if (auto w = worker()) {
    w->detach(run_.run_id());
    pool_.release(w, run_.run_id());
  }
  pool_.unwatch(run_.run_id());
  emitter_.close();
}

execution::RunOutcome RemoteRun::execute(
    const std::function<void(events::UserEventEmitter&)>& ready) {
  try {
    ready(emitter_);
  } catch (const std::exception& e) {
    spdlog::error("[{}] the run's first event could not be stored: {}", corr_, e.what());
    return RunEnding::failed(error_type::host, "the run's events could not be stored", true)
        .unstored();
  }
  if (!start_on_worker()) return std::move(*outcome_);
  {
    // From here a stop reaches the worker (and arms the cancel grace); a stop that
    // came before is forwarded at once.
    std::stop_callback forward(run_.context.stop_token(), [this]() noexcept { forward_stop(); });
    while (!finished_) {
      handle(inbox_.take(*run_.waiter));
      if (deferred_loss_ && nesting_ == 0) on_worker_lost(*std::exchange(deferred_loss_, {}));
    }
  }
  return std::move(*outcome_);
}

bool RemoteRun::start_on_worker() {
  auto worker = pool_.assign(run_.agent_class, run_.run_id(), inbox_);
  if (!worker) {
    end_with(RunEnding::failed(error_type::host,
                               "no worker process could be started for agent \"" +
                                   run_.context.agent_name() + "\" (the host's log says why)",
                               true));
    finished_ = true;
    return false;
  }
  {
    std::lock_guard lock(worker_mutex_);
    worker_ = worker;
  }
  events_taken_ = 0;  // a new worker's run counts its events from 0
  boost::json::object start{{"run", run_.run_id()},
                            {"context", ipc::context_body(run_.context)},
                            {"input", run_.input},
                            {"max_result_bytes", services_.max_result_bytes}};
  if (auto checkpoint = run_.user_input->last_checkpoint()) start["checkpoint"] = *checkpoint;
  // A worker that died meanwhile is noticed by its reader: this run gets the notice.
  worker->send(ipc::Frame{ipc::FrameType::start, std::move(start)});
  if (run_.control->stop_cause()) forward_stop();
  return true;
}

void RemoteRun::handle(ipc::Frame&& frame) {
  try {
    switch (frame.type) {
      case ipc::FrameType::event:
        on_event(frame);
        return acknowledge_event();
      case ipc::FrameType::call:
        return on_call(frame);
      case ipc::FrameType::done:
        return on_done(frame);
      case ipc::FrameType::crash:
        if (nesting_ > 0) {
          deferred_loss_ = std::move(frame);
          throw agenthost::RunEnded("run " + run_.run_id() + ": its worker process is gone");
        }
        return on_worker_lost(frame);
      default:
        spdlog::warn("[{}] ignored a {} frame from the worker", corr_, ipc::to_string(frame.type));
    }
  } catch (const ipc::FrameError& e) {
    // The worker broke the protocol for this run: it cannot be trusted to end it.
    spdlog::error("[{}] the worker sent a malformed frame: {}", corr_, e.what());
    if (!outcome_)
      end_with(RunEnding::failed(error_type::host,
                                 std::string("the worker process broke the protocol: ") + e.what(),
                                 true));
    finished_ = true;
  }
}

void RemoteRun::on_event(const ipc::Frame& frame) {
  const auto type = ipc::string_field(frame, "type");
  auto payload = ipc::object_field(frame, "payload");
  if (outcome_) {
    spdlog::warn("[{}] ignored event {} after the run's terminal event", corr_, type);
    return;
  }
  if (events::is_terminal_event_type(type)) {
    try {
      end_with(
          execution::ending_of_terminal(type, payload, run_.control->stop_cause(), run_.context));
    } catch (const std::invalid_argument& e) {
      end_with(RunEnding::failed(
          error_type::host, std::string("the worker process sent a malformed ending: ") + e.what(),
          true));
    }
    return;
  }
  try {
    emitter_.emit_host(type, std::move(payload));
  } catch (const std::exception& e) {
    // Closed on purpose when shutdown parks a resumable run; otherwise the event log
    // refused it, and the run's end reports that.
    if (!run_.parked)
      spdlog::error("[{}] event {} of the run was not stored: {}", corr_, type, e.what());
  }
}

void RemoteRun::acknowledge_event() {
  if (++events_taken_ % ipc::kEventsPerAck != 0) return;
  send(ipc::Frame{ipc::FrameType::ack,
                  boost::json::object{{"run", run_.run_id()}, {"events", events_taken_}}});
}

void RemoteRun::on_call(const ipc::Frame& frame) {
  const auto call = ipc::uint_field(frame, "call");
  ipc::Frame reply;
  ++nesting_;
  try {
    reply = ipc::reply_value(run_.run_id(), call, answer(frame));
  } catch (...) {
    reply = ipc::reply_error(run_.run_id(), call, std::current_exception());
  }
  --nesting_;
  send(reply);
}

boost::json::value RemoteRun::answer(const ipc::Frame& call) {
  const auto op = ipc::string_field(call, "op");
  if (op == ipc::op::ask)
    return run_.user_input->ask(ipc::string_field(call, "prompt"),
                                ipc::object_field(call, "schema"), run_.context.stop_token());
  if (op == ipc::op::checkpoint) {
    const auto* state = call.body.if_contains("state");
    if (!state) throw ipc::FrameError("checkpoint call: field \"state\" is missing");
    run_.user_input->checkpoint(*state);
    return nullptr;
  }
  if (op == ipc::op::model)
    return ipc::chat_result_body(
        models_.chat(ipc::chat_request(ipc::object_field(call, "request"))));
  throw ipc::FrameError("call \"" + op + "\" is unknown");
}

void RemoteRun::on_done(const ipc::Frame& frame) {
  finished_ = true;
  if (outcome_) return;
  if (const auto* refused = frame.body.if_contains("refused"); refused && refused->is_string()) {
    end_with(RunEnding::failed(
        error_type::host,
        "the worker process could not start the run: " + std::string(refused->get_string()), true));
    return;
  }
  end_with(RunEnding::failed(error_type::host,
                             "the worker process ended the run without a terminal event", true));
}

void RemoteRun::on_worker_lost(const ipc::Frame& notice) {
  const auto cause = ipc::string_field(notice, "cause");
  const auto how = ipc::string_field(notice, "how");
  const auto agent = run_.context.agent_name();
  if (auto w = worker()) w->detach(run_.run_id());
  pool_.unwatch(run_.run_id());
  if (outcome_) {  // it had ended; only its done frame was lost
    finished_ = true;
    return;
  }
  if (cause == events::to_string(events::DeathCause::unresponsive)) {
    end_with(RunEnding::stopped(
        events::DeathCause::unresponsive,
        execution::death_message(events::DeathCause::unresponsive, run_.context)));
    finished_ = true;
    return;
  }
  // how: "PID was killed by signal SIGSEGV (11)", "PID exited with status 3", ...
  const std::string message = "agent " + agent + ": its worker process " + how;
  if (run_.agent_class.info.resumable && resumes_ < kMaxResumes && !run_.control->stop_cause() &&
      !run_.parked) {
    ++resumes_;
    const bool from_checkpoint = run_.user_input->last_checkpoint().has_value();
    spdlog::warn("[{}] {}; the run continues in a new instance (resumption {} of {})", corr_,
                 message, resumes_, kMaxResumes);
    try {
      emitter_.emit_host(
          "agent_resumed",
          events::resumed_payload(message + "; the run continues in a new instance of its agent",
                                  emitter_.last_seq(), from_checkpoint));
      if (start_on_worker()) return;
    } catch (const std::exception& e) {
      spdlog::error("[{}] the run could not be resumed: {}", corr_, e.what());
    }
    if (outcome_) return;
  }
  spdlog::error("[{}] run ends: {}", corr_, message);
  end_with(RunEnding::stopped(events::DeathCause::worker_crashed, message));
  finished_ = true;
}

void RemoteRun::end_with(RunEnding ending) {
  try {
    outcome_ = execution::emit_ending(emitter_, std::move(ending));
  } catch (const std::exception& e) {
    if (!run_.parked)
      spdlog::error("[{}] the run's {} event could not be stored: {}", corr_, ending.event_type,
                    e.what());
    outcome_ = std::move(ending).unstored();
  }
}

void RemoteRun::forward_stop() {
  const auto cause = run_.control->stop_cause();
  auto w = worker();
  if (!cause || !w) return;
  w->send(ipc::Frame{
      ipc::FrameType::stop,
      boost::json::object{{"run", run_.run_id()}, {"cause", events::to_string(*cause)}}});
  pool_.watch_stop(w, run_.run_id(), inbox_);
}

void RemoteRun::send(const ipc::Frame& frame) {
  // A worker that is gone is noticed by its reader, and this run hears of it.
  if (auto w = worker()) w->send(frame);
}

std::shared_ptr<WorkerProcess> RemoteRun::worker() const {
  std::lock_guard lock(worker_mutex_);
  return worker_;
}

boost::json::value RemoteRun::RemoteTools::call(std::string_view name,
                                                const boost::json::value& input) {
  auto& r = run_;
  const auto id = r.next_call_++;
  r.send(ipc::Frame{ipc::FrameType::call, boost::json::object{{"run", r.run_.run_id()},
                                                              {"call", id},
                                                              {"op", ipc::op::tool},
                                                              {"name", name},
                                                              {"input", input}}});
  for (;;) {
    auto frame = r.inbox_.take(*r.run_.waiter);
    if (frame.type == ipc::FrameType::reply && ipc::uint_field(frame, "call") == id)
      return ipc::reply_result(frame);
    r.handle(std::move(frame));
    if (r.finished_)
      throw agenthost::RunEnded("run " + r.run_.run_id() + " ended while its tool " +
                                std::string(name) + " ran");
  }
}

}  // namespace agenthost::supervisor
