#include "config/server_section.hpp"

#include <arpa/inet.h>

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

// Only literals: a host name would make the bind address depend on DNS at start-up.
struct IpLiteralOrLocalhost {
  std::optional<std::string> check(const std::string& v) const {
    unsigned char buffer[sizeof(in6_addr)];
    if (v == "localhost" || inet_pton(AF_INET, v.c_str(), buffer) == 1 ||
        inet_pton(AF_INET6, v.c_str(), buffer) == 1) {
      return std::nullopt;
    }
    return "'" + v + "' is not an IPv4 or IPv6 address; write e.g. 127.0.0.1, 0.0.0.0, ::1 or " +
           "localhost";
  }
  std::string describe() const { return "IPv4 or IPv6 literal, or `localhost`"; }
};

}  // namespace

const ObjectSchema<ServerSettings>& server_schema() {
  static const ObjectSchema<ServerSettings> schema{
      "How the host listens for clients and where it keeps its state.",
      {
          field("address", &ServerSettings::address, "Address the listener binds to.",
                IpLiteralOrLocalhost{}),
          field("port", &ServerSettings::port, "TCP port to listen on; 0 picks any free port.",
                range(0, 65535)),
          field("data_dir", &ServerSettings::data_dir,
                "State directory (SQLite file, lock file); relative to the config file's "
                "directory.",
                not_empty()),
          field("max_message_bytes", &ServerSettings::max_message_bytes,
                "Largest message accepted from a client, in bytes (1 KiB .. 64 MiB).",
                range(1024, 64 * 1024 * 1024)),
          field("idle_timeout", &ServerSettings::idle_timeout,
                "A client connection without traffic for this long is closed.",
                range(std::chrono::seconds(1), std::chrono::hours(24))),
      }};
  return schema;
}

}  // namespace agenthost::config
