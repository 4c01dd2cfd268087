#pragma once
// In-test EventStore and EventSink that record what they receive, and a context
// factory: the real emitter and router run against them.

#include <agenthost/execution_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "events/event.hpp"
#include "events/event_sink.hpp"
#include "events/event_store.hpp"
#include "support/memory_event_store.hpp"

namespace agenthost::events::test {

inline agenthost::ExecutionContext make_context(std::string user_id, std::string run_id,
                                                std::string thread_id = "thread-1",
                                                std::string agent_name = "echo") {
  agenthost::ContextFields fields;
  fields.user_id = std::move(user_id);
  fields.run_id = std::move(run_id);
  fields.thread_id = std::move(thread_id);
  fields.request_id = "request-1";
  fields.agent_name = std::move(agent_name);
  return agenthost::ExecutionContext::create(std::move(fields));
}

using EventLog = agenthost::testing::EventList;
using RecordingStore = agenthost::testing::MemoryEventStore;

class RecordingSink final : public EventSink {
 public:
  void deliver(const EventPtr& event) noexcept override { log.add(event); }
  EventLog log;
};

/// Calls a function on delivery (for sinks that check as they receive).
class CallbackSink final : public EventSink {
 public:
  explicit CallbackSink(std::function<void(const EventPtr&)> f) : f_(std::move(f)) {}
  void deliver(const EventPtr& event) noexcept override { f_(event); }

 private:
  std::function<void(const EventPtr&)> f_;
};

/// A JSON value as text for comparisons: the string itself, or its JSON otherwise.
inline std::string text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return "(not a string) " + boost::json::serialize(v);
}

inline std::vector<std::uint64_t> seqs(const std::vector<EventPtr>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e->seq);
  return out;
}

}  // namespace agenthost::events::test
