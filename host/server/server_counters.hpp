#pragma once
/// \file
/// LiveCounters: what the network front counts for monitoring, updated lock-free
/// from any thread; HttpServer::counters() reads a snapshot for /metrics.

#include <atomic>
#include <cstdint>

#include "server/http_server.hpp"

namespace agenthost::server {

struct LiveCounters {
  std::atomic<std::uint64_t> events_dropped{0};
  std::atomic<std::uint64_t> slow_client_disconnects{0};
  std::atomic<std::uint64_t> auth_failures{0};

  ServerCounters snapshot() const noexcept {
    return {events_dropped.load(std::memory_order_relaxed),
            slow_client_disconnects.load(std::memory_order_relaxed),
            auth_failures.load(std::memory_order_relaxed)};
  }
};

}  // namespace agenthost::server
