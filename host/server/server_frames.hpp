#pragma once
/// \file
/// The WebSocket protocol, host -> client: the JSON text of every frame the host
/// sends. Pure functions.

#include <optional>
#include <string>
#include <string_view>

#include "events/event.hpp"

namespace agenthost::server {

/// {"type":"run_accepted","request_id","run_id","thread_id"}
std::string run_accepted_frame(std::string_view request_id, std::string_view run_id,
                               std::string_view thread_id);

/// {"type":"error","request_id"?,"code","message"}
std::string error_frame(std::string_view code, std::string_view message,
                        const std::optional<std::string>& request_id = std::nullopt);

/// {"type":"pong","request_id"?}
std::string pong_frame(const std::optional<std::string>& request_id = std::nullopt);

/// The event's envelope (events::to_envelope): {type, run_id, thread_id, agent_name,
/// seq, timestamp, payload}. Never contains the user id.
std::string event_frame(const events::Event& event);

}  // namespace agenthost::server
