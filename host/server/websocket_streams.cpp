// WebSocketSession, part 3: streaming events: live ones from the inbox, stored ones
// from the log (replays and catch-ups), paced by the send queue.

#include "server/websocket_session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include "server/server_frames.hpp"

namespace agenthost::server {

namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

void WebSocketSession::request_page(const std::string& run_id, std::uint64_t generation) {
  if (closing_ || !streams_.current_replay(run_id, generation)) return;
  // Replay only while the queue has room: a long log never overflows it.
  if (queue_.over(2)) {
    // One waiting page per run: the latest replay's.
    auto it = std::find_if(waiting_pages_.begin(), waiting_pages_.end(),
                           [&](const auto& waiting) { return waiting.first == run_id; });
    if (it != waiting_pages_.end())
      it->second = generation;
    else
      waiting_pages_.emplace_back(run_id, generation);
    return;
  }
  offload([&service = state_.service, user = user_id_, run_id, after = streams_.cursor(run_id),
           limit = page_size_] { return service.stored_events(user, run_id, after, limit); },
          [self = shared_from_this(), run_id, generation](auto result) {
            self->on_page(run_id, generation, std::move(result));
          });
}

void WebSocketSession::on_page(const std::string& run_id, std::uint64_t generation,
                               std::variant<std::vector<events::EventPtr>, ApiError> result) {
  if (closing_ || !streams_.current_replay(run_id, generation)) return;
  if (auto* error = std::get_if<ApiError>(&result)) {
    streams_.forget(run_id);
    subscriptions_.erase(run_id);
    send(error_frame(error->code, "cannot replay run " + run_id + ": " + error->message));
    return;
  }
  const auto& page = std::get<std::vector<events::EventPtr>>(result);
  const auto outcome = streams_.on_page(run_id, generation, page, page.size() >= page_size_);
  send_events(outcome.to_send);
  if (outcome.read_more) request_page(run_id, generation);
}

void WebSocketSession::resume_waiting_pages() {
  while (!closing_ && !waiting_pages_.empty() && !queue_.over(2)) {
    auto [run_id, generation] = waiting_pages_.front();
    waiting_pages_.erase(waiting_pages_.begin());
    request_page(run_id, generation);
  }
}

void WebSocketSession::drain_inbox() {
  if (closing_) return;
  for (auto& entry : inbox_->take()) {
    if (closing_) return;
    if (entry.event)
      send_events(streams_.on_live(entry.event));
    else
      catch_up(entry.lagging_run, std::nullopt);
  }
}

void WebSocketSession::catch_up(const std::string& run_id, std::optional<std::uint64_t> after) {
  // A run whose end was sent has nothing left to catch up with (a dropped event
  // was a duplicate from a second subscription).
  if (!after && !streams_.streaming(run_id) && streams_.ended(run_id)) return;
  // Already replaying: the replay reads the log again before it goes live.
  if (!after && streams_.mark_gap(run_id)) return;
  const auto from = after ? *after : streams_.cursor(run_id);
  request_page(run_id, streams_.replay_from(run_id, from));
}

void WebSocketSession::send_events(const std::vector<events::EventPtr>& events) {
  std::vector<std::string> lagging;  // runs whose later events in `events` must wait
  for (const auto& event : events) {
    if (closing_) return;
    if (std::find(lagging.begin(), lagging.end(), event->run_id) != lagging.end()) continue;
    if (queue_.over()) {
      // The queue is full: this and the run's next events are read from the log
      // once the client has read some of the queue.
      lagging.push_back(event->run_id);
      catch_up(event->run_id, event->seq - 1);
      continue;
    }
    enqueue(event_frame(*event));
    if (events::is_terminal_event_type(event->type)) {
      subscriptions_.erase(event->run_id);
      started_runs_.erase(event->run_id);
    }
  }
}

}  // namespace agenthost::server
