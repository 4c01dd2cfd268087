#include "server/server_options.hpp"

#include <cmath>
#include <stdexcept>

namespace agenthost::server {

void check_options(const ServerOptions& o) {
  auto refuse = [](const std::string& what) { throw std::invalid_argument("server." + what); };
  if (o.address.empty()) refuse("address is empty (use 127.0.0.1, 0.0.0.0 or ::)");
  if (o.max_message_bytes < 1024) refuse("max_message_bytes must be at least 1024");
  if (o.idle_timeout.count() <= 0) refuse("idle_timeout must be positive");
  if (o.handshake_timeout.count() <= 0) refuse("handshake_timeout must be positive");
  if (o.write_timeout.count() <= 0) refuse("write_timeout must be positive");
  if (o.io_threads == 0) refuse("io_threads must be at least 1");
  if (o.request_threads == 0) refuse("request_threads must be at least 1");
  if (o.send_queue_frames < 2) refuse("send_queue_frames must be at least 2");
  if (o.send_queue_bytes < 65536) refuse("send_queue_bytes must be at least 65536");
  if (o.max_connections_per_user == 0) refuse("max_connections_per_user must be at least 1");
  if (o.max_unauthenticated_connections == 0)
    refuse("max_unauthenticated_connections must be at least 1");
  if (!std::isfinite(o.runs_per_second_per_user) || o.runs_per_second_per_user < 0)
    refuse("runs_per_second_per_user must be 0 (no limit) or positive");
  if (o.max_subscriptions_per_connection == 0)
    refuse("max_subscriptions_per_connection must be at least 1");
  if (o.socket_send_buffer_bytes < 0) refuse("socket_send_buffer_bytes must not be negative");
}

}  // namespace agenthost::server
