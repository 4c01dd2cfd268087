#include "database/database_session_manager.hpp"

#include <condition_variable>
#include <mutex>
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

namespace {

// A blocking acquire()'s side of the hand-off.
struct Handoff {
  std::mutex mutex;
  std::condition_variable arrived;
  DatabaseSessionManager::PendingSession session;
  bool done = false;
};

}  // namespace

DatabaseSessionManager::Lease DatabaseSessionManager::acquire() {
  auto& pool = *pool_;
  const auto start = std::chrono::steady_clock::now();
  auto handoff = std::make_shared<Handoff>();
  const auto ticket = acquire_async("", [handoff](PendingSession session) {
    {
      std::lock_guard lock(handoff->mutex);
      handoff->session = std::move(session);
      handoff->done = true;
    }
    handoff->arrived.notify_one();
  });
  const auto count_wait = [&] {
    if (ticket == 0) return;  // served at once
    std::lock_guard pool_lock(pool.mutex);
    pool.total_wait += std::chrono::steady_clock::now() - start;
  };
  std::unique_lock lock(handoff->mutex);
  if (!handoff->arrived.wait_until(lock, start + pool.options.acquire_timeout,
                                   [&] { return handoff->done; })) {
    lock.unlock();
    if (cancel_acquire(ticket)) {
      count_wait();
      throw DatabaseError("database pool exhausted: all " + std::to_string(pool.options.pool_size) +
                          " sessions to '" + pool.url.masked + "' stayed in use for " +
                          std::to_string(pool.options.acquire_timeout.count()) +
                          " ms; raise the pool size or lower the number of concurrent runs");
    }
    lock.lock();  // handed over meanwhile: it is on its way
    handoff->arrived.wait(lock, [&] { return handoff->done; });
  }
  count_wait();
  return take(std::move(handoff->session), "");
}

std::uint64_t DatabaseSessionManager::acquire_async(
    const std::string& user_id, std::function<void(PendingSession)> on_session) {
  auto& pool = *pool_;
  std::unique_lock lock(pool.mutex);
  // A free session means no eligible waiter is in line (return_session serves them
  // first): those in line are users at their share.
  if (!pool.idle.empty() && pool.below_share(user_id)) {
    auto session = std::move(pool.idle.back());
    pool.idle.pop_back();
    ++pool.in_use;
    ++pool.held[user_id];
    lock.unlock();
    on_session(std::move(session));
    return 0;
  }
  ++pool.waits;
  return pool.waiting.push(user_id, SessionPool::Receiver{user_id, std::move(on_session)});
}

bool DatabaseSessionManager::cancel_acquire(std::uint64_t ticket) {
  if (ticket == 0) return false;
  std::lock_guard lock(pool_->mutex);
  return pool_->waiting.remove(ticket).has_value();
}

DatabaseSessionManager::Lease DatabaseSessionManager::take(PendingSession session,
                                                           const std::string& user_id) {
  if (!session) {
    try {
      session = pool_->open_session();
    } catch (...) {
      // The slot stays, for the next holder to reopen.
      return_session(*pool_, nullptr, user_id);
      throw;
    }
  }
  return Lease(pool_, std::move(session), user_id);
}

void return_session(SessionPool& pool, std::unique_ptr<soci::session> session,
                    const std::string& user) {
  std::unique_lock lock(pool.mutex);
  if (auto held = pool.held.find(user); held != pool.held.end() && --held->second == 0)
    pool.held.erase(held);
  auto next = pool.waiting.pop_if([&](const std::string& u) { return pool.below_share(u); });
  if (next) {
    ++pool.held[next->user];
    lock.unlock();
    next->receive(std::move(session));  // still counted in use: it changes hands
    return;
  }
  pool.idle.push_back(std::move(session));
  --pool.in_use;
}

const std::string& DatabaseSessionManager::backend() const { return pool_->url.backend; }

const std::string& DatabaseSessionManager::masked_url() const { return pool_->url.masked; }

std::unique_ptr<soci::session> DatabaseSessionManager::open_dedicated_session() const {
  return pool_->open_session();
}

DatabaseSessionManager::Stats DatabaseSessionManager::stats() const {
  std::lock_guard lock(pool_->mutex);
  return Stats{pool_->options.pool_size, pool_->in_use,
               static_cast<std::uint32_t>(pool_->waiting.size()), pool_->waits, pool_->total_wait};
}

DatabaseSessionManager::Lease::Lease(std::shared_ptr<SessionPool> pool,
                                     std::unique_ptr<soci::session> session, std::string user)
    : pool_(std::move(pool)), session_(std::move(session)), user_(std::move(user)) {}

DatabaseSessionManager::Lease::Lease(Lease&& other) noexcept
    : pool_(std::move(other.pool_)),
      session_(std::move(other.session_)),
      user_(std::move(other.user_)),
      discard_(std::exchange(other.discard_, false)) {}

DatabaseSessionManager::Lease& DatabaseSessionManager::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    session_ = std::move(other.session_);
    user_ = std::move(other.user_);
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
  return_session(*pool_, std::move(session_), user_);
  session_.reset();
  discard_ = false;
}

}  // namespace agenthost::database
