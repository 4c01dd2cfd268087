#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// Section `server`: how the host listens and where it keeps its state.
struct ServerSettings {
  std::string address = "127.0.0.1";  ///< listen address (IPv4/IPv6 literal or "localhost")
  std::uint16_t port = 8080;          ///< 0 = any free port
  std::string data_dir =
      "data";  ///< state directory (SQLite file, lock file); absolute after loading
  std::size_t max_message_bytes = 1048576;  ///< 1 KiB .. 64 MiB
  Duration idle_timeout{std::chrono::seconds(60)};
};

/// Keys of section `server`.
const ObjectSchema<ServerSettings>& server_schema();

}  // namespace agenthost::config
