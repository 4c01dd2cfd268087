#include "config/server_section.hpp"

#include <arpa/inet.h>

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

// Only literals: a host name would make the bind address depend on the resolver at
// start-up. "localhost" too: the listener binds literals only, and "localhost" may be
// 127.0.0.1, ::1 or both; refused here so that --check-config says so, not the start.
struct IpLiteral {
  std::optional<std::string> check(const std::string& v) const {
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, v.c_str(), buffer) == 1 || inet_pton(AF_INET6, v.c_str(), buffer) == 1)
      return std::nullopt;
    if (v == "localhost")
      return "'localhost' is a host name, and the listener binds an address; write 127.0.0.1 "
             "(or ::1 for IPv6)";
    return "'" + v + "' is not an IPv4 or IPv6 address; write e.g. 127.0.0.1, 0.0.0.0 or ::1";
  }
  std::string describe() const { return "IPv4 or IPv6 literal"; }
};

constexpr std::array<EnumName<OnDisconnect>, 2> kOnDisconnectNames{{
    {"continue", OnDisconnect::continue_runs},
    {"cancel", OnDisconnect::cancel_runs},
}};

}  // namespace

const ObjectSchema<ServerSettings>& server_schema() {
  static const ObjectSchema<ServerSettings> schema{
      "How the host listens for clients and where it keeps its state.",
      {
          field("address", &ServerSettings::address, "Address the listener binds to.", IpLiteral{})
              .restart(),
          field("port", &ServerSettings::port, "TCP port to listen on; 0 picks any free port.",
                range(0, 65535))
              .restart(),
          field("data_dir", &ServerSettings::data_dir,
                "State directory (SQLite file, lock file); relative to the config file's "
                "directory.",
                not_empty())
              .restart(),
          field("max_message_bytes", &ServerSettings::max_message_bytes,
                "Largest message accepted from a client, in bytes (1 KiB .. 64 MiB).",
                range(1024, 64 * 1024 * 1024))
              .restart(),
          field("idle_timeout", &ServerSettings::idle_timeout,
                "A client connection without traffic for this long is closed (WebSocket "
                "clients are pinged at half of it, so only dead peers are dropped).",
                range(std::chrono::seconds(1), std::chrono::hours(24)))
              .restart(),
          field("handshake_timeout", &ServerSettings::handshake_timeout,
                "Time for a request's headers, a WebSocket handshake or a close handshake.",
                range(std::chrono::seconds(1), std::chrono::minutes(5)))
              .restart(),
          field("write_timeout", &ServerSettings::write_timeout,
                "A write to a client that does not complete in this time drops the client.",
                range(std::chrono::seconds(1), std::chrono::minutes(5)))
              .restart(),
          field("io_threads", &ServerSettings::io_threads, "Threads running the sockets.",
                range(1, 64))
              .restart(),
          field("request_threads", &ServerSettings::request_threads,
                "Threads for requests' blocking work (database reads and writes; on "
                "PostgreSQL a new run's submission writes its record there; on SQLite the "
                "event log's writer takes it and no thread waits).",
                range(1, 256))
              .restart(),
          field("send_queue_frames", &ServerSettings::send_queue_frames,
                "Events waiting for one WebSocket connection; when a client reads slower than "
                "its runs emit, live delivery to it pauses and it reads the events from the "
                "stored log as it catches up (memory stays bounded, nothing is lost). Also the "
                "answers a client may leave unread before close 1013.",
                range(16, 1048576))
              .restart(),
          field("send_queue_bytes", &ServerSettings::send_queue_bytes,
                "Bytes of frames waiting for one WebSocket connection, bounded like "
                "send_queue_frames (a single larger frame is still sent).",
                range(65536, 1024 * 1024 * 1024))
              .restart(),
          field("max_subscriptions_per_connection",
                &ServerSettings::max_subscriptions_per_connection,
                "Runs one WebSocket connection follows at once (started or subscribed); one "
                "more gets error frame `too_many_subscriptions`.",
                range(1, 100000))
              .restart(),
          field("max_connections_per_user", &ServerSettings::max_connections_per_user,
                "Open WebSocket connections of one user, and separately its open HTTP "
                "connections; one more gets 429.",
                range(1, 100000))
              .live(),
          field("max_unauthenticated_connections", &ServerSettings::max_unauthenticated_connections,
                "Connections that have not yet sent authenticated headers, for the whole "
                "server; one more closes the oldest of them. Authenticated connections do not "
                "count (docs/operations.md: sizing).",
                range(1, 1000000))
              .restart(),
          field("runs_per_second_per_user", &ServerSettings::runs_per_second_per_user,
                "Runs one user may start per second (burst: one second's worth); 0 = no "
                "limit. Over it: 429, or error frame `rate_limited`.",
                range(0, 1000000))
              .live(),
          enum_field("on_disconnect", &ServerSettings::on_disconnect,
                     "Runs of a closed WebSocket connection: `continue` (resume later with "
                     "subscribe) or `cancel`.",
                     kOnDisconnectNames)
              .restart(),
          field("drain_timeout", &ServerSettings::drain_timeout,
                "On SIGTERM, how long running runs get to finish before they are cancelled.",
                range(std::chrono::seconds(0), std::chrono::hours(1)))
              .restart(),
      }};
  return schema;
}

std::string_view to_string(OnDisconnect value) { return enum_name(kOnDisconnectNames, value); }

}  // namespace agenthost::config
