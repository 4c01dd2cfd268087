#pragma once
/// \file
/// The WebSocket protocol, client -> host: parsing one text frame into what the
/// client asked for, or an error frame naming the problem. Pure: no sockets, any
/// thread, fuzzable. docs/protocol.md describes every frame.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "server/api_error.hpp"
#include "server/run_fields.hpp"

namespace agenthost::server {

/// {"type":"start_run","request_id","agent","thread_id"?,"input","multitask_strategy"?,"metadata"?}
struct StartRunFrame {
  std::string request_id;  ///< chosen by the client, echoed in run_accepted / error
  RunFields run;
};

/// {"type":"cancel_run","run_id","request_id"?}
struct CancelRunFrame {
  std::string run_id;
  std::optional<std::string> request_id;
};

/// {"type":"resume_run","run_id","input","request_id"?}: the answer to the question the
/// run waits on (its input_required event). No reply when accepted (the run's
/// input_received event follows); an error frame otherwise.
struct ResumeRunFrame {
  std::string run_id;
  boost::json::value input;
  std::optional<std::string> request_id;
};

/// {"type":"subscribe","run_id","after"?,"request_id"?}: stored events with seq >
/// after, then live ones.
struct SubscribeFrame {
  std::string run_id;
  std::uint64_t after = 0;
  std::optional<std::string> request_id;
};

/// {"type":"ping","request_id"?}
struct PingFrame {
  std::optional<std::string> request_id;
};

/// A frame that could not be accepted; request_id when the frame had a valid one.
struct FrameError {
  ApiError error;
  std::optional<std::string> request_id;
};

using ClientFrame = std::variant<StartRunFrame, CancelRunFrame, ResumeRunFrame, SubscribeFrame,
                                 PingFrame, FrameError>;

/// Parses one text frame. Never throws for any input.
ClientFrame parse_client_frame(std::string_view text);

}  // namespace agenthost::server
