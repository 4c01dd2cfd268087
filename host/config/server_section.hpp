#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// What happens to the runs a WebSocket connection started when it closes.
enum class OnDisconnect { continue_runs, cancel_runs };

/// Section `server`: how the host listens and where it keeps its state.
struct ServerSettings {
  std::string address = "127.0.0.1";  ///< listen address (IPv4/IPv6 literal or "localhost")
  std::uint16_t port = 8080;          ///< 0 = any free port
  std::string data_dir =
      "data";  ///< state directory (SQLite file, lock file); absolute after loading
  std::size_t max_message_bytes = 1048576;  ///< 1 KiB .. 64 MiB
  Duration idle_timeout{std::chrono::seconds(60)};
  Duration handshake_timeout{std::chrono::seconds(10)};
  Duration write_timeout{std::chrono::seconds(10)};
  std::uint32_t io_threads = 2;
  std::uint32_t request_threads = 16;  // see ServerOptions::request_threads
  std::uint32_t send_queue_frames = 1024;
  std::size_t send_queue_bytes = 16777216;
  std::uint32_t max_subscriptions_per_connection = 1000;
  std::uint32_t max_connections_per_user = 16;
  std::uint32_t max_unauthenticated_connections = 512;
  std::uint32_t runs_per_second_per_user = 10;  ///< 0 = no limit
  OnDisconnect on_disconnect = OnDisconnect::continue_runs;
  Duration drain_timeout{std::chrono::seconds(30)};
};

/// "continue" or "cancel".
std::string_view to_string(OnDisconnect value);

/// Keys of section `server`.
const ObjectSchema<ServerSettings>& server_schema();

}  // namespace agenthost::config
