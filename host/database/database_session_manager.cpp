#include "database/database_session_manager.hpp"

#include <utility>

#include "database/session_pool.hpp"

namespace agenthost::database {

DatabaseSessionManager::DatabaseSessionManager(DatabaseOptions options) {
  if (options.pool_size == 0) throw DatabaseError("database pool_size is 0; it must be at least 1");
  auto url = parse_database_url(options.url);
  pool_ = std::make_shared<SessionPool>(std::move(options), std::move(url));
  for (std::uint32_t i = 0; i < pool_->options.pool_size; ++i)
    pool_->idle.push_back(pool_->open_session());
}

DatabaseSessionManager::~DatabaseSessionManager() = default;

DatabaseSessionManager::Lease DatabaseSessionManager::acquire() {
  auto& pool = *pool_;
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(pool.mutex);
  if (pool.idle.empty()) {
    ++pool.waiting;
    const bool got = pool.returned.wait_until(lock, start + pool.options.acquire_timeout,
                                              [&] { return !pool.idle.empty(); });
    --pool.waiting;
    ++pool.waits;
    pool.total_wait += std::chrono::steady_clock::now() - start;
    if (!got)
      throw DatabaseError("database pool exhausted: all " + std::to_string(pool.options.pool_size) +
                          " sessions to '" + pool.url.masked + "' stayed in use for " +
                          std::to_string(pool.options.acquire_timeout.count()) +
                          " ms; raise the pool size or lower the number of concurrent runs");
  }
  auto session = std::move(pool.idle.back());
  pool.idle.pop_back();
  ++pool.in_use;
  lock.unlock();

  if (!session) {
    try {
      session = pool.open_session();
    } catch (...) {
      lock.lock();
      pool.idle.push_back(nullptr);
      --pool.in_use;
      pool.returned.notify_one();
      throw;
    }
  }
  return Lease(pool_, std::move(session));
}

const std::string& DatabaseSessionManager::backend() const { return pool_->url.backend; }

const std::string& DatabaseSessionManager::masked_url() const { return pool_->url.masked; }

DatabaseSessionManager::Stats DatabaseSessionManager::stats() const {
  std::lock_guard lock(pool_->mutex);
  return Stats{pool_->options.pool_size, pool_->in_use, pool_->waiting, pool_->waits,
               pool_->total_wait};
}

DatabaseSessionManager::Lease::Lease(std::shared_ptr<SessionPool> pool,
                                     std::unique_ptr<soci::session> session)
    : pool_(std::move(pool)), session_(std::move(session)) {}

DatabaseSessionManager::Lease::Lease(Lease&& other) noexcept
    : pool_(std::move(other.pool_)),
      session_(std::move(other.session_)),
      discard_(std::exchange(other.discard_, false)) {}

DatabaseSessionManager::Lease& DatabaseSessionManager::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    session_ = std::move(other.session_);
    discard_ = std::exchange(other.discard_, false);
  }
  return *this;
}

DatabaseSessionManager::Lease::~Lease() { release(); }

soci::session& DatabaseSessionManager::Lease::session() {
  if (!session_)
    throw DatabaseError("database lease holds no session (it was moved from or released)");
  return *session_;
}

const std::string& DatabaseSessionManager::Lease::backend() const {
  static const std::string none;
  return pool_ ? pool_->url.backend : none;
}

void DatabaseSessionManager::Lease::discard() noexcept { discard_ = true; }

void DatabaseSessionManager::Lease::release() noexcept {
  if (!session_ || !pool_) return;
  if (discard_) session_.reset();  // close outside the lock: it may talk to the server
  {
    std::lock_guard lock(pool_->mutex);
    pool_->idle.push_back(std::move(session_));
    --pool_->in_use;
  }
  pool_->returned.notify_one();
  session_.reset();
  discard_ = false;
}

}  // namespace agenthost::database
