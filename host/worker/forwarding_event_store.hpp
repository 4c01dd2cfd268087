#pragma once
/// \file
/// ForwardingEventStore: the EventStore of a run in a worker process. The run's
/// UserEventEmitter checks and sanitises each event as it does in the supervisor
/// (the agent gets the same exceptions, at once); this store then sends the event's
/// type and payload to the supervisor, which numbers, stores and delivers it. The
/// worker's own numbering is never seen by anyone.

#include "events/event_store.hpp"
#include "ipc/channel.hpp"

namespace agenthost::worker {

class ForwardingEventStore final : public events::EventStore {
 public:
  explicit ForwardingEventStore(ipc::Channel& channel) noexcept : channel_(channel) {}

  /// Sends the event; throws std::runtime_error when the supervisor is gone.
  void append(const events::EventPtr& event) override;
  void append(const events::EventPtr& event, events::EventRouter* deliver_to) override;
  /// Nothing is kept here: the supervisor's event log makes events durable.
  void flush() override {}

 private:
  ipc::Channel& channel_;
};

}  // namespace agenthost::worker
