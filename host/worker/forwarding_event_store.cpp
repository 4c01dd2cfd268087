#include "worker/forwarding_event_store.hpp"

#include <stdexcept>

#include "events/event.hpp"

namespace agenthost::worker {

void ForwardingEventStore::append(const events::EventPtr& event) {
  const ipc::Frame frame{ipc::FrameType::event, boost::json::object{{"run", event->run_id},
                                                                    {"type", event->type},
                                                                    {"payload", event->payload}}};
  if (!channel_.send(frame))
    throw std::runtime_error("the supervisor is gone: event " + event->type + " was not sent");
  waiter_.pause_point();
}

void ForwardingEventStore::append(const events::EventPtr& event, events::EventRouter*) {
  append(event);
}

}  // namespace agenthost::worker
