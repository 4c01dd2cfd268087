// RecordingEmitter: the host's UserEventEmitter over an in-memory event store.

#include "agenthost/testing/recording_emitter.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "access.hpp"
#include "events/event_router.hpp"
#include "events/event_store.hpp"
#include "events/user_event_emitter.hpp"

namespace agenthost::testing {

namespace {

// Keeps every appended event; nothing is ever delivered or written anywhere.
class MemoryEventStore final : public events::EventStore {
 public:
  void append(const events::EventPtr& event) override {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    }
    appended_.notify_all();
  }

  void flush() override {}

  std::vector<events::EventPtr> snapshot() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

  bool wait_for(std::string_view type, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return appended_.wait_for(lock, timeout, [&] {
      return std::any_of(events_.begin(), events_.end(),
                         [&](const events::EventPtr& e) { return e->type == type; });
    });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable appended_;
  std::vector<events::EventPtr> events_;
};

RecordedEvent recorded(const events::Event& event) {
  return RecordedEvent{event.type, event.seq, event.payload};
}

}  // namespace

struct RecordingEmitter::Impl {
  explicit Impl(const agenthost::ExecutionContext& context) : emitter(context, store, router) {}

  // Declared before the emitter, which refers to both.
  MemoryEventStore store;
  events::EventRouter router;
  events::UserEventEmitter emitter;
  std::function<void(std::string_view)> observer;
};

RecordingEmitter::RecordingEmitter(const agenthost::ExecutionContext& context)
    : impl_(std::make_unique<Impl>(context)) {}

RecordingEmitter::~RecordingEmitter() = default;

void RecordingEmitter::emit(std::string_view type, boost::json::object payload) {
  impl_->emitter.emit(type, std::move(payload));
  if (impl_->observer) impl_->observer(type);
}

void RecordingEmitter::emit_host(std::string_view type, boost::json::object payload) {
  impl_->emitter.emit_host(type, std::move(payload));
}

void RecordingEmitter::emit_terminal(std::string_view type, boost::json::object payload) {
  impl_->emitter.emit_terminal(type, std::move(payload));
}

void RecordingEmitter::close() { impl_->emitter.close(); }

bool RecordingEmitter::closed() const noexcept { return impl_->emitter.closed(); }

std::vector<RecordedEvent> RecordingEmitter::events() const {
  std::vector<RecordedEvent> out;
  for (const auto& e : impl_->store.snapshot()) out.push_back(recorded(*e));
  return out;
}

std::vector<std::string> RecordingEmitter::types() const {
  std::vector<std::string> out;
  for (const auto& e : impl_->store.snapshot()) out.push_back(e->type);
  return out;
}

std::vector<RecordedEvent> RecordingEmitter::events_of(std::string_view type) const {
  std::vector<RecordedEvent> out;
  for (const auto& e : impl_->store.snapshot())
    if (e->type == type) out.push_back(recorded(*e));
  return out;
}

bool RecordingEmitter::wait_for(std::string_view type, std::chrono::milliseconds timeout) const {
  return impl_->store.wait_for(type, timeout);
}

void RecordingEmitter::on_agent_event(std::function<void(std::string_view type)> observer) {
  impl_->observer = std::move(observer);
}

events::UserEventEmitter& detail::Access::host_emitter(RecordingEmitter& emitter) {
  return emitter.impl_->emitter;
}

}  // namespace agenthost::testing
