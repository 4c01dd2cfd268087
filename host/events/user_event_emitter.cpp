#include "events/user_event_emitter.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <utility>

#include "json/non_finite.hpp"

namespace agenthost::events {
namespace {

// The type as it may safely appear in an error message: at most 64 characters,
// anything outside printable ASCII shown as '?'.
std::string printable(std::string_view type) {
  std::string out;
  for (char c : type.substr(0, kMaxEventTypeLength)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (type.size() > kMaxEventTypeLength) out += "...";
  return out;
}

void check_type(std::string_view type) {
  if (!is_valid_event_type(type))
    throw std::invalid_argument("event type \"" + printable(type) +
                                "\" is malformed: it must match [a-z][a-z0-9_.]{0,63}, e.g. "
                                "\"agent_thinking\" or \"myplugin.step_done\"");
}

}  // namespace

UserEventEmitter::UserEventEmitter(const agenthost::ExecutionContext& context, EventStore& store,
                                   EventRouter& router, SanitizerLimits limits, EmitPacer* pacer)
    : user_id_(context.user_id()),
      thread_id_(context.thread_id()),
      run_id_(context.run_id()),
      agent_name_(context.agent_name()),
      store_(store),
      router_(router),
      limits_(limits),
      pacer_(pacer) {
  check_limits(limits_);
}

void UserEventEmitter::emit(std::string_view type, boost::json::object payload) {
  check_type(type);
  if (agenthost::is_host_event_type(type))
    throw std::invalid_argument("event type \"" + std::string(type) +
                                "\" is reserved for the host, which emits it itself; agents "
                                "emit agent_thinking, progress_update or types of their own");
  // Stored and sent as JSON, which has no NaN or infinity (docs/protocol.md, Numbers).
  if (auto where = json::find_non_finite(payload))
    throw std::invalid_argument("event \"" + std::string(type) + "\": payload" + *where +
                                " is NaN or an infinity, which JSON cannot carry");
  send(type, std::move(payload), Ending::keep_open);
  agent_events_.fetch_add(1, std::memory_order_relaxed);
  if (pacer_) pacer_->after_emit();  // outside the lock: the run may wait here
}

EventPtr UserEventEmitter::emit_host(std::string_view type, boost::json::object payload) {
  check_type(type);
  if (is_terminal_event_type(type))
    throw std::invalid_argument("event type \"" + std::string(type) +
                                "\" ends the run: send it with emit_terminal()");
  auto event = send(type, std::move(payload), Ending::keep_open);
  if (pacer_) pacer_->after_emit();
  return event;
}

EventPtr UserEventEmitter::emit_terminal(std::string_view type, boost::json::object payload) {
  if (!is_terminal_event_type(type))
    throw std::invalid_argument("emit_terminal: \"" + printable(type) +
                                "\" is not a terminal event type (agent_completed, agent_error, "
                                "agent_death)");
  return send(type, std::move(payload), Ending::close_run);
}

void UserEventEmitter::close() {
  std::lock_guard lock(mutex_);
  closed_.store(true, std::memory_order_release);
}

EventPtr UserEventEmitter::send(std::string_view type, boost::json::object payload, Ending ending) {
  // Fail fast without sanitising; checked again under the lock, which is what counts.
  if (closed()) throw_run_ended();
  // Sanitising is the expensive part and needs no lock.
  // A result is kept whole (it is bounded as a whole before it gets here).
  boost::json::object clean =
      sanitize_payload(std::move(payload), type == "agent_completed" ? kResultLimits : limits_);

  std::lock_guard lock(mutex_);
  if (closed()) throw_run_ended();
  const std::uint64_t seq = last_seq_.load(std::memory_order_relaxed) + 1;
  auto event = std::make_shared<Event>();
  event->type = std::string(type);
  event->user_id = user_id_;
  event->run_id = run_id_;
  event->thread_id = thread_id_;
  event->agent_name = agent_name_;
  event->seq = seq;
  event->timestamp = std::chrono::system_clock::now();
  event->payload = std::move(clean);
  EventPtr shared = std::move(event);

  // Delivered by the store once durable. If this throws, seq is not consumed and
  // nothing is delivered.
  store_.append(shared, &router_);
  last_seq_.store(seq, std::memory_order_release);
  if (ending == Ending::close_run) closed_.store(true, std::memory_order_release);
  return shared;
}

void UserEventEmitter::throw_run_ended() const {
  throw agenthost::RunEnded("run " + run_id_ + " of agent " + agent_name_ +
                            " has ended: its events can no longer be emitted");
}

}  // namespace agenthost::events
