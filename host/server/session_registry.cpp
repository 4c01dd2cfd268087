#include "server/session_registry.hpp"

namespace agenthost::server {

SessionRegistry::Id SessionRegistry::add(std::weak_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  const Id id = next_++;
  sessions_.emplace(id, std::move(session));
  return id;
}

void SessionRegistry::remove(Id id) noexcept {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  if (sessions_.empty()) empty_.notify_all();
}

std::vector<std::shared_ptr<Session>> SessionRegistry::snapshot() const {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mutex_);
  out.reserve(sessions_.size());
  for (const auto& [id, weak] : sessions_)
    if (auto session = weak.lock()) out.push_back(std::move(session));
  return out;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool SessionRegistry::wait_empty(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return empty_.wait_for(lock, timeout, [&] { return sessions_.empty(); });
}

}  // namespace agenthost::server
