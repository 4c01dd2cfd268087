#include "events/event_store.hpp"

#include "events/event_router.hpp"

namespace agenthost::events {

void EventStore::append(const EventPtr& event, EventRouter* deliver_to) {
  append(event);
  if (deliver_to) deliver_to->publish(event);
}

}  // namespace agenthost::events
