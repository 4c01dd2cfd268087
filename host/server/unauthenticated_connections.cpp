#include "server/unauthenticated_connections.hpp"

namespace agenthost::server {

UnauthenticatedConnections::Admission UnauthenticatedConnections::admit(
    std::weak_ptr<Session> session) {
  Admission admission;
  std::lock_guard lock(mutex_);
  while (pool_.size() >= max_) {
    auto oldest = pool_.begin();
    admission.evicted = oldest->second.lock();
    pool_.erase(oldest);
    ++evictions_;
    if (admission.evicted) break;  // one live connection per admission is enough
  }
  admission.id = next_++;
  pool_.emplace(admission.id, std::move(session));
  return admission;
}

void UnauthenticatedConnections::leave(Id id) noexcept {
  if (id == 0) return;
  std::lock_guard lock(mutex_);
  pool_.erase(id);
}

std::size_t UnauthenticatedConnections::size() const {
  std::lock_guard lock(mutex_);
  return pool_.size();
}

std::uint64_t UnauthenticatedConnections::evictions() const {
  std::lock_guard lock(mutex_);
  return evictions_;
}

}  // namespace agenthost::server
