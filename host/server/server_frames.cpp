#include "server/server_frames.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace agenthost::server {

std::string run_accepted_frame(std::string_view request_id, std::string_view run_id,
                               std::string_view thread_id) {
  return boost::json::serialize(boost::json::object{{"type", "run_accepted"},
                                                    {"request_id", request_id},
                                                    {"run_id", run_id},
                                                    {"thread_id", thread_id}});
}

std::string error_frame(std::string_view code, std::string_view message,
                        const std::optional<std::string>& request_id) {
  boost::json::object frame{{"type", "error"}};
  if (request_id) frame["request_id"] = *request_id;
  frame["code"] = code;
  frame["message"] = message;
  return boost::json::serialize(frame);
}

std::string pong_frame(const std::optional<std::string>& request_id) {
  boost::json::object frame{{"type", "pong"}};
  if (request_id) frame["request_id"] = *request_id;
  return boost::json::serialize(frame);
}

std::string event_frame(const events::Event& event) {
  return boost::json::serialize(events::to_envelope(event));
}

}  // namespace agenthost::server
