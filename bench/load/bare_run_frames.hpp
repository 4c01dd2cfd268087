#pragma once
// The frames the bare transport server answers one start_run with: the same number,
// shape and sizes as agenthostd's for a run of the no-op agent (run_accepted, then
// agent_started, N agent_thinking and agent_completed, each in the host's envelope),
// built without anything the host does besides sending them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::bench::load {

class BareRunFrames {
 public:
  /// `id_prefix` keeps the ids of different connections apart.
  explicit BareRunFrames(std::uint32_t id_prefix) : prefix_(id_prefix) {}

  /// The answer to a start_run with `request_id` whose agent emits `agent_events` events.
  std::vector<std::string> answer(std::string_view request_id, int agent_events);

 private:
  std::string next_id();  // 32 hex characters, like the host's random ids

  std::uint32_t prefix_;
  std::uint64_t counter_ = 0;
};

}  // namespace agenthost::bench::load
