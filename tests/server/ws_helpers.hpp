#pragma once
// Helpers shared by the WebSocket tests.

#include <catch2/catch.hpp>

#include <boost/json/object.hpp>

#include <string>
#include <vector>

#include "server/test_client.hpp"
#include "server/test_host.hpp"

namespace agenthost::server::test {

inline WsOptions as_user(const std::string& user) {
  return WsOptions{TestHost::token(user), std::nullopt, 0};
}

inline bool is_terminal(const boost::json::object& frame) {
  const auto* type = frame.if_contains("type");
  if (!type || !type->is_string() || !frame.contains("seq")) return false;
  const auto t = type->as_string();
  return t == "agent_completed" || t == "agent_error" || t == "agent_death";
}

inline bool is_terminal_of(const boost::json::object& frame, const std::string& run_id) {
  const auto* run = frame.if_contains("run_id");
  return is_terminal(frame) && run && run->as_string() == run_id;
}

inline std::uint64_t seq_of(const boost::json::object& frame) {
  return frame.at("seq").to_number<std::uint64_t>();
}

/// Sends start_run and reads until run_accepted; returns the run id.
inline std::string start_run_ws(WsClient& ws, const std::string& agent, boost::json::value input,
                                const std::string& request_id = "req-1") {
  ws.send({{"type", "start_run"}, {"request_id", request_id}, {"agent", agent}, {"input", input}});
  // Events of runs started earlier on this connection may come first.
  for (;;) {
    auto r = ws.read();
    INFO(r.text << r.error);
    REQUIRE(r.is_message());
    if (r.message.contains("seq")) continue;
    REQUIRE(r.type() == "run_accepted");
    REQUIRE(str(r.message.at("request_id")) == request_id);
    return std::string(r.message.at("run_id").as_string());
  }
}

/// The seqs of `events`, which must all belong to `run_id`, checked to be exactly
/// from+1, from+2, ... with no gap or repeat.
inline void check_consecutive(const std::vector<boost::json::object>& events,
                              const std::string& run_id, std::uint64_t from) {
  std::uint64_t expected = from + 1;
  for (const auto& e : events) {
    REQUIRE(str(e.at("run_id")) == run_id);
    REQUIRE(seq_of(e) == expected);
    ++expected;
  }
}

}  // namespace agenthost::server::test
