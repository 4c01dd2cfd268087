#include "server/run_streams.hpp"

namespace agenthost::server {

namespace {
// How many ended runs are remembered per connection.
constexpr std::size_t kEndedRunsRemembered = 1024;
}  // namespace

RunStreams::RunStreams(std::size_t buffer_limit, std::size_t max_streams)
    : buffer_limit_(buffer_limit == 0 ? 1 : buffer_limit), max_streams_(max_streams) {}

std::optional<std::uint64_t> RunStreams::begin_replay(const std::string& run_id,
                                                      std::uint64_t after) {
  auto it = streams_.find(run_id);
  if (it == streams_.end()) {
    if (streams_.size() >= max_streams_) return std::nullopt;
    it = streams_.emplace(run_id, Stream{}).first;
  }
  // An explicit request to replay: whatever was sent before, start from `after`.
  ended_.erase(run_id);
  it->second = Stream{true, after, {}, false, ++generations_};
  return generations_;
}

std::uint64_t RunStreams::replay_from(const std::string& run_id, std::uint64_t after) {
  ended_.erase(run_id);
  streams_[run_id] = Stream{true, after, {}, false, ++generations_};
  return generations_;
}

bool RunStreams::mark_gap(const std::string& run_id) {
  auto it = streams_.find(run_id);
  if (it == streams_.end() || !it->second.replaying) return false;
  it->second.buffer.clear();
  it->second.buffer_overflowed = true;
  return true;
}

void RunStreams::send_if_new(const std::string&, Stream& stream, const events::EventPtr& event,
                             std::vector<events::EventPtr>& out, bool& ended) {
  if (event->seq <= stream.last_sent) return;
  stream.last_sent = event->seq;
  out.push_back(event);
  if (events::is_terminal_event_type(event->type)) ended = true;
}

void RunStreams::end(const std::string& run_id) {
  streams_.erase(run_id);
  if (ended_.insert(run_id).second) {
    ended_order_.push_back(run_id);
    if (ended_order_.size() > kEndedRunsRemembered) {
      ended_.erase(ended_order_.front());
      ended_order_.pop_front();
    }
  }
}

std::vector<events::EventPtr> RunStreams::on_live(const events::EventPtr& event) {
  std::vector<events::EventPtr> out;
  auto it = streams_.find(event->run_id);
  if (it == streams_.end()) {
    if (ended_.count(event->run_id) != 0) return out;
    it = streams_.emplace(event->run_id, Stream{}).first;
  }
  Stream& stream = it->second;
  if (stream.replaying) {
    if (event->seq <= stream.last_sent || stream.buffer_overflowed) return out;
    if (stream.buffer.size() >= buffer_limit_) {
      // A later read of the store finds all of these.
      stream.buffer.clear();
      stream.buffer.shrink_to_fit();
      stream.buffer_overflowed = true;
      return out;
    }
    stream.buffer.push_back(event);
    return out;
  }
  bool ended = false;
  send_if_new(event->run_id, stream, event, out, ended);
  if (ended) end(event->run_id);
  return out;
}

RunStreams::PageOutcome RunStreams::on_page(const std::string& run_id, std::uint64_t generation,
                                            const std::vector<events::EventPtr>& page,
                                            bool page_full) {
  PageOutcome outcome;
  auto it = streams_.find(run_id);
  if (it == streams_.end() || !it->second.replaying || it->second.generation != generation)
    return outcome;
  Stream& stream = it->second;
  bool ended = false;
  for (const auto& event : page) {
    send_if_new(run_id, stream, event, outcome.to_send, ended);
    if (ended) {
      end(run_id);
      return outcome;
    }
  }
  if (page_full || stream.buffer_overflowed) {
    stream.buffer_overflowed = false;
    outcome.read_more = true;
    return outcome;
  }
  stream.replaying = false;
  auto buffered = std::move(stream.buffer);
  stream.buffer = {};
  for (const auto& event : buffered) {
    send_if_new(run_id, stream, event, outcome.to_send, ended);
    if (ended) {
      end(run_id);
      break;
    }
  }
  return outcome;
}

std::uint64_t RunStreams::cursor(const std::string& run_id) const {
  auto it = streams_.find(run_id);
  return it == streams_.end() ? 0 : it->second.last_sent;
}

bool RunStreams::replaying(const std::string& run_id) const {
  auto it = streams_.find(run_id);
  return it != streams_.end() && it->second.replaying;
}

bool RunStreams::current_replay(const std::string& run_id, std::uint64_t generation) const {
  auto it = streams_.find(run_id);
  return it != streams_.end() && it->second.replaying && it->second.generation == generation;
}

bool RunStreams::streaming(const std::string& run_id) const { return streams_.count(run_id) != 0; }

bool RunStreams::ended(const std::string& run_id) const { return ended_.count(run_id) != 0; }

void RunStreams::forget(const std::string& run_id) { streams_.erase(run_id); }

}  // namespace agenthost::server
