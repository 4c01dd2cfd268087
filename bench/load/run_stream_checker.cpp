#include "run_stream_checker.hpp"

#include <boost/json/value.hpp>

#include <utility>

#include "noop_run_shape.hpp"

namespace agenthost::bench::load {
namespace json = boost::json;

namespace {

std::string_view string_field(const json::object& frame, std::string_view key) {
  const auto* v = frame.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

bool is_terminal(std::string_view type) {
  return type == "agent_completed" || type == "agent_error" || type == "agent_death";
}

// Frames are quoted in violation messages; a whole large frame would bury the reason.
std::string quoted(std::string_view frame) {
  constexpr std::size_t kMax = 400;
  return frame.size() <= kMax ? std::string(frame) : std::string(frame.substr(0, kMax)) + "...";
}

}  // namespace

RunStreamChecker::RunStreamChecker(std::string connection_name, int agent_events)
    : name_(std::move(connection_name)), terminal_seq_(agent_events + 2) {}

void RunStreamChecker::sent(std::string request_id, Clock::time_point started) {
  pending_.push_back({std::move(request_id), started});
}

void RunStreamChecker::fail(std::string_view frame, const std::string& why) const {
  throw StreamViolation(name_ + ": " + why + "; frame: " + quoted(frame));
}

FrameOutcome RunStreamChecker::check(std::string_view frame, Clock::time_point now) {
  // One small arena per frame: frames are a few hundred bytes, so parsing allocates
  // nothing on the heap and the load generator stays cheap next to the host.
  json::monotonic_resource arena(parse_buffer_, sizeof(parse_buffer_));
  parser_.reset(&arena);
  json::error_code ec;
  parser_.write(frame.data(), frame.size(), ec);  // the whole text: incomplete is an error
  if (ec) fail(frame, "not JSON (" + ec.message() + ")");
  const json::value value = parser_.release();
  const auto* object = value.if_object();
  if (!object) fail(frame, "not a JSON object");
  const auto type = string_field(*object, "type");
  if (type.empty()) fail(frame, "no \"type\"");
  FrameOutcome outcome;
  try {
    if (type == "run_accepted") {
      outcome = accept(*object);
    } else if (type == "error") {
      outcome = refuse(*object);
    } else if (type == "pong") {
      outcome.kind = FrameOutcome::Kind::other;
    } else {
      outcome = event(*object, type, now);
    }
  } catch (const StreamViolation& e) {
    fail(frame, e.what());
  }
  return outcome;
}

FrameOutcome RunStreamChecker::accept(const json::object& frame) {
  const auto request_id = string_field(frame, "request_id");
  if (pending_.empty()) throw StreamViolation("run_accepted with no start_run outstanding");
  if (request_id != pending_.front().request_id)
    throw StreamViolation("run_accepted for request \"" + std::string(request_id) +
                          "\", expected the oldest outstanding \"" + pending_.front().request_id +
                          "\" (answers must come in order)");
  const auto run_id = string_field(frame, "run_id");
  const auto thread_id = string_field(frame, "thread_id");
  if (run_id.empty() || thread_id.empty())
    throw StreamViolation("run_accepted without run_id or thread_id");
  auto [it, inserted] = runs_.try_emplace(std::string(run_id));
  if (!inserted || ended_.contains(it->first))
    throw StreamViolation("run_accepted repeats run id " + std::string(run_id));
  it->second.thread_id = std::string(thread_id);
  it->second.started = pending_.front().started;
  pending_.pop_front();
  return FrameOutcome{FrameOutcome::Kind::accepted, {}, {}};
}

FrameOutcome RunStreamChecker::refuse(const json::object& frame) {
  const auto request_id = string_field(frame, "request_id");
  const auto code = std::string(string_field(frame, "code"));
  if (pending_.empty() || request_id != pending_.front().request_id)
    throw StreamViolation("error frame (" + code +
                          ") that answers none of our outstanding "
                          "start_run frames in order");
  pending_.pop_front();
  return FrameOutcome{FrameOutcome::Kind::refused, {}, code};
}

FrameOutcome RunStreamChecker::event(const json::object& frame, std::string_view type,
                                     Clock::time_point now) {
  const auto run_id = string_field(frame, "run_id");
  const auto it = runs_.find(std::string(run_id));
  if (it == runs_.end()) {
    if (ended_.contains(std::string(run_id)))
      throw StreamViolation("event after the run's terminal event");
    throw StreamViolation("event of run \"" + std::string(run_id) +
                          "\", which this user's connection did not start");
  }
  Run& run = it->second;
  const auto* seq = frame.if_contains("seq");
  if (!seq || !seq->is_int64()) throw StreamViolation("event without an integer seq");
  if (seq->get_int64() != run.next_seq)
    throw StreamViolation("seq " + std::to_string(seq->get_int64()) + ", expected " +
                          std::to_string(run.next_seq) + " (gapless, increasing by one)");
  if (string_field(frame, "thread_id") != run.thread_id)
    throw StreamViolation("thread_id differs from the run's run_accepted");
  if (string_field(frame, "agent_name") != kAgentName)
    throw StreamViolation("agent_name is not \"" + std::string(kAgentName) + "\"");
  // A run stopped before its agent started (its worker died first, say) ends with its
  // terminal event alone, as seq 1 (docs/protocol.md).
  if (run.next_seq == 1 && type != "agent_started" && type != "agent_death" &&
      type != "agent_error")
    throw StreamViolation("first event is neither agent_started nor a run's end");
  const auto* payload = frame.if_contains("payload");
  if (!payload || !payload->is_object()) throw StreamViolation("event without an object payload");
  const bool first = run.next_seq == 1;
  ++run.next_seq;
  if (!is_terminal(type)) {
    if (run.next_seq > terminal_seq_)
      throw StreamViolation("more events than the run emits, and no terminal event");
    return FrameOutcome{first ? FrameOutcome::Kind::started : FrameOutcome::Kind::event, {}, {}};
  }
  FrameOutcome outcome{FrameOutcome::Kind::completed, now - run.started, {}};
  if (type != "agent_completed") {
    outcome.kind = FrameOutcome::Kind::run_failed;
    outcome.detail = std::string(type);
  } else if (seq->get_int64() != terminal_seq_) {
    throw StreamViolation("agent_completed with seq " + std::to_string(seq->get_int64()) +
                          ", expected " + std::to_string(terminal_seq_) +
                          " (agent_started, each agent event, agent_completed)");
  }
  ended_.insert(it->first);
  runs_.erase(it);
  return outcome;
}

}  // namespace agenthost::bench::load
