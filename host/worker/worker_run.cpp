#include "worker/worker_run.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <stdexcept>
#include <utility>

#include "agenthost/event_emitter.hpp"
#include "execution/logged_run_hooks.hpp"
#include "ipc/run_messages.hpp"

namespace agenthost::worker {
namespace {

const registry::AgentClass& agent_of(const WorkerServices& services, const ipc::Frame& start) {
  const auto name = ipc::string_field(ipc::BodyView(start).nested("context"), "agent_name");
  const auto* agent = services.registry.find_agent(name);
  if (!agent)
    throw std::invalid_argument("agent \"" + name + "\" is not loaded in this worker process");
  return *agent;
}

std::optional<boost::json::value> checkpoint_of(const ipc::Frame& start) {
  if (const auto* c = start.body.if_contains("checkpoint")) return *c;
  return std::nullopt;
}

boost::json::value input_of(const ipc::Frame& start) {
  const auto* input = start.body.if_contains("input");
  if (!input) throw ipc::FrameError("frame start: field \"input\" is missing");
  return *input;
}

agenthost::ExecutionContext context_of(const ipc::Frame& start,
                                       const std::shared_ptr<fiber::FiberWaiter>& waiter,
                                       const execution::RunControl& control,
                                       const std::shared_ptr<RemoteUserInput>& user_input) {
  auto fields = ipc::context_fields(start);
  fields.stop = control.token();
  fields.waiter = waiter;
  fields.user_input = user_input;
  return agenthost::ExecutionContext::create(std::move(fields));
}

}  // namespace

WorkerRun::WorkerRun(WorkerServices& services, const ipc::Frame& start)
    : services_(services),
      run_id_(ipc::string_field(start, "run")),
      agent_class_(agent_of(services, start)),
      library_(agent_class_.library),
      input_(input_of(start)),
      max_result_bytes_(ipc::uint_field(start, "max_result_bytes")),
      waiter_(std::make_shared<fiber::FiberWaiter>(
          ipc::string_field(ipc::BodyView(start).nested("context"), "user_id"), services.blocking)),
      user_input_(std::make_shared<RemoteUserInput>(*this, checkpoint_of(start))),
      context_(context_of(start, waiter_, control_, user_input_)),
      store_(services.channel, *waiter_, control_.token()),
      emitter_(context_, store_, services.unused_router, {}, &store_),
      db_(services.database, context_, *waiter_),
      tools_(services.registry, context_, emitter_),
      models_(*this),
      sequence_(agent_class_, context_, emitter_, db_, tools_, models_) {
  if (context_.run_id() != run_id_)
    throw ipc::FrameError("frame start: run " + run_id_ + " carries the context of run " +
                          context_.run_id());
}

WorkerRun::~WorkerRun() {
  if (auto failure = sequence_.destroy_agent())
    spdlog::error("[{}] {}", context_.correlation_id(), failure->message);
  tools_.end();
  db_.rollback();
  emitter_.close();
}

void WorkerRun::execute() noexcept {
  try {
    sequence_.execute(input_, control_,
                      execution::LoggedRunHooks{{}, context_.correlation_id(), max_result_bytes_});
  } catch (const std::exception& e) {
    // The supervisor is gone (an event could not be sent): nobody can end this run
    // but the supervisor's own bookkeeping, which a restart does.
    spdlog::error("[{}] the run's events could not be sent: {}", context_.correlation_id(),
                  e.what());
  }
  tools_.end();
  db_.rollback();
  emitter_.close();
  services_.channel.send(ipc::Frame{ipc::FrameType::done, boost::json::object{{"run", run_id_}}});
}

boost::json::value WorkerRun::call(std::string_view op, boost::json::object body) {
  std::lock_guard lock(call_mutex_);
  const auto id = next_call_++;
  body["run"] = run_id_;
  body["call"] = id;
  body["op"] = op;
  if (!services_.channel.send(ipc::Frame{ipc::FrameType::call, std::move(body)}))
    throw agenthost::RunEnded("run " + run_id_ + ": the supervisor is gone");
  for (;;) {
    auto frame = inbox_.take(*waiter_);
    if (frame.type == ipc::FrameType::reply && ipc::uint_field(frame, "call") == id)
      return ipc::reply_result(frame);
    if (frame.type == ipc::FrameType::call)
      serve_tool_call(frame);
    else
      spdlog::warn("[{}] ignored a {} frame that answers nothing", context_.correlation_id(),
                   ipc::to_string(frame.type));
  }
}

void WorkerRun::serve_tool_call(const ipc::Frame& frame) {
  const auto call = ipc::uint_field(frame, "call");
  ipc::Frame reply;
  try {
    const auto* input = frame.body.if_contains("input");
    if (!input) throw ipc::FrameError("tool call: field \"input\" is missing");
    reply = ipc::reply_value(run_id_, call, tools_.call(ipc::string_field(frame, "name"), *input));
  } catch (...) {
    reply = ipc::reply_error(run_id_, call, std::current_exception());
  }
  services_.channel.send(reply);
}

}  // namespace agenthost::worker
