#pragma once
// LoadOptions: the load generator's command line, parsed into one plain struct.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "load_connection.hpp"

namespace agenthost::bench::load {

enum class LoadMode {
  closed,  ///< each user keeps `in_flight` runs going: the peak rate
  open,    ///< runs start at `rate` per second whatever the answers: latency at a rate
  idle,    ///< `connections` authenticated connections that do nothing: memory per connection
  burst,   ///< each user starts `in_flight` runs at once, once: wall time of the wave, and
           ///< the server's memory while they all wait (with `wait_ms`)
};

struct LoadOptions {
  ServerAddress server;
  LoadMode mode = LoadMode::closed;
  int users = 1;
  int in_flight = 1;     ///< closed: runs in flight per user
  double rate = 0;       ///< open: runs started per second, all users together
  int connections = 0;   ///< idle: connections, spread over `users`
  int agent_events = 5;  ///< agent_thinking events per run
  int wait_ms = 0;       ///< each run waits this long in the agent first (0: not asked)
  int threads = 2;       ///< io_context threads, each with its share of the connections
  std::chrono::milliseconds warmup{2000};
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds drain{30000};  ///< time for runs in flight to end after `duration`
  std::chrono::milliseconds settle{3000};  ///< idle: wait before measuring the server's memory
  int server_pid = 0;                      ///< the server whose memory is reported (0: none)
  std::string jwt_secret;  ///< signs each user's token (the host's auth.jwt.hs256_secret)
  std::string user_prefix = "load-user-";
  std::string label;       ///< names the scenario in the report
  std::string json_file;   ///< where to write the JSON result
  std::string ready_file;  ///< burst: created once every run has started (all waiting)
};

/// Parses argv; throws std::invalid_argument with a message naming the bad option.
LoadOptions parse_load_options(const std::vector<std::string>& args);

/// The usage text.
const char* load_usage();

}  // namespace agenthost::bench::load
