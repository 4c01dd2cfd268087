#include "load_worker.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

namespace agenthost::bench::load {
namespace net = boost::asio;

namespace {
// Handshakes in progress at once per worker: thousands at once overflow the
// listener's backlog and turn into SYN retries (seconds), not a measurement.
constexpr std::size_t kConcurrentHandshakes = 128;
}  // namespace

class LoadWorker::Impl final : public ConnectionObserver {
 public:
  Impl(const LoadOptions& options, std::vector<UserToken> users, double rate, RunProgress& progress)
      : options_(options),
        users_(std::move(users)),
        rate_(rate),
        progress_(progress),
        guard_(io_.get_executor()),
        tick_(io_) {
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Impl() override {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  std::future<void> connect_all() {
    auto done = connected_promise_.get_future();
    net::post(io_, [this] {
      if (users_.empty()) return connected_promise_.set_value();
      for (std::size_t i = 0; i < users_.size() && i < kConcurrentHandshakes; ++i) connect_next();
    });
    return done;
  }

  std::size_t connected() const { return up_; }

  std::future<void> run(const LoadSchedule& schedule) {
    auto done = drained_promise_.get_future();
    net::post(io_, [this, schedule] {
      schedule_ = schedule;
      running_ = true;
      if (options_.mode == LoadMode::closed || options_.mode == LoadMode::burst) {
        for (auto& c : connections_)
          if (c && live(*c))
            for (int i = 0; i < options_.in_flight; ++i) start_run(*c, Clock::now());
      } else if (options_.mode == LoadMode::open) {
        open_loop_tick();
      }
      if (options_.mode == LoadMode::open) return;  // the open loop's last tick ends it
      if (options_.mode == LoadMode::burst) {       // one wave: nothing more starts
        ended_ = true;
        return check_drained();
      }
      end_timer_ = std::make_unique<net::steady_timer>(io_, schedule_.window_end);
      end_timer_->async_wait([this](boost::system::error_code) {
        ended_ = true;
        check_drained();
      });
    });
    return done;
  }

  LoadStats finish() {
    std::promise<void> closed;
    net::post(io_, [this, &closed] {
      tick_.cancel();
      if (end_timer_) end_timer_->cancel();
      for (auto& c : connections_) {
        if (!c) continue;
        if (live(*c)) stats_.runs_unfinished += c->in_flight();
        c->close();
      }
      closed.set_value();
    });
    closed.get_future().wait();
    // Close handshakes finish in the background; give them a moment, then stop.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    guard_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    connections_.clear();
    if (stats_.runs_unfinished > 0) {
      stats_.add_error("unfinished", std::to_string(stats_.runs_unfinished) +
                                         " runs had not ended when the drain time ran out");
      stats_.error_kinds["unfinished"] += stats_.runs_unfinished - 1;  // counts runs, not workers
    }
    return std::move(stats_);
  }

  void connected(LoadConnection&) override {
    ++up_;
    connection_settled();
  }

  void received(LoadConnection& c, const FrameOutcome& outcome, std::size_t bytes,
                Clock::time_point now) override {
    const bool measured = running_ && now >= schedule_.window_begin && now < schedule_.window_end;
    if (measured) {
      ++stats_.frames;
      stats_.bytes += bytes;
    }
    switch (outcome.kind) {
      case FrameOutcome::Kind::started:
        progress_.started.fetch_add(1, std::memory_order_relaxed);
        [[fallthrough]];
      case FrameOutcome::Kind::event:
        if (measured) ++stats_.events;
        return;
      case FrameOutcome::Kind::completed:
        if (measured) {
          ++stats_.events;
          ++stats_.runs_completed;
          stats_.latencies_us.push_back(static_cast<std::uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(outcome.latency).count()));
        }
        break;
      case FrameOutcome::Kind::run_failed:
        if (measured) ++stats_.events;
        ++stats_.runs_failed;
        stats_.add_error(outcome.detail, c.user() + ": run ended with " + outcome.detail);
        break;
      case FrameOutcome::Kind::refused:
        ++stats_.runs_refused;
        stats_.add_error(outcome.detail, c.user() + ": start_run refused: " + outcome.detail);
        break;
      case FrameOutcome::Kind::accepted:
      case FrameOutcome::Kind::other:
        return;
    }
    // A run ended (or was refused): its slot is free.
    progress_.ended.fetch_add(1, std::memory_order_relaxed);
    if (outcome.kind != FrameOutcome::Kind::refused)
      stats_.last_terminal = std::max(stats_.last_terminal, now);
    --in_flight_;
    if (options_.mode == LoadMode::closed && !ended_ && now < schedule_.window_end)
      start_run(c, now);
    check_drained();
  }

  void failed(LoadConnection& c, const std::string& why, bool violation) override {
    if (violation) {
      stats_.violations.push_back(why);
    } else {
      ++stats_.connection_errors;
      stats_.add_error("connection", why);
    }
    const auto lost = c.in_flight();
    in_flight_ -= lost;
    stats_.runs_unfinished += lost;
    dead_.push_back(&c);
    if (!connect_done_) return connection_settled();
    check_drained();
  }

 private:
  bool live(const LoadConnection& c) const {
    for (const auto* d : dead_)
      if (d == &c) return false;
    return true;
  }

  void connect_next() {
    if (next_user_ >= users_.size()) return;
    auto& u = users_[next_user_++];
    auto c = LoadConnection::create(io_, options_.server, std::move(u.user), std::move(u.token),
                                    options_.agent_events, options_.wait_ms, *this);
    connections_.push_back(c);
    c->connect();
  }

  void connection_settled() {
    if (++settled_ == users_.size()) {
      connect_done_ = true;
      connected_promise_.set_value();
      return;
    }
    connect_next();
  }

  void start_run(LoadConnection& c, Clock::time_point started) {
    ++in_flight_;
    ++stats_.runs_started;
    c.start_run(started);
  }

  // Run k is due at start + k / rate. Each wake-up starts every run due by now, timed
  // from when it was due (not when it went out), so a stalled client or server shows in
  // the latency instead of hiding; then the timer waits for the next one's due time.
  void open_loop_tick() {
    const auto now = Clock::now();
    while (rate_ > 0 && due_time(issued_) <= now && due_time(issued_) < schedule_.window_end) {
      LoadConnection* target = nullptr;
      for (std::size_t tries = 0; tries < connections_.size() && !target; ++tries) {
        auto& c = connections_[next_connection_++ % connections_.size()];
        if (live(*c)) target = c.get();
      }
      if (!target) break;  // every connection has failed
      start_run(*target, due_time(issued_));
      ++issued_;
    }
    const auto next = due_time(issued_);
    if (rate_ <= 0 || next >= schedule_.window_end || next <= now) {
      ended_ = true;  // every run due in the window has been started (or cannot be)
      return check_drained();
    }
    tick_.expires_at(next);
    tick_.async_wait([this](boost::system::error_code ec) {
      if (!ec) open_loop_tick();
    });
  }

  Clock::time_point due_time(std::uint64_t run) const {
    return schedule_.start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(static_cast<double>(run) / rate_));
  }

  void check_drained() {
    if (ended_ && in_flight_ == 0 && !drained_) {
      drained_ = true;
      drained_promise_.set_value();
    }
  }

  const LoadOptions& options_;
  std::vector<UserToken> users_;
  double rate_;
  RunProgress& progress_;
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  net::steady_timer tick_;
  std::unique_ptr<net::steady_timer> end_timer_;
  std::thread thread_;
  std::vector<std::shared_ptr<LoadConnection>> connections_;
  std::vector<const LoadConnection*> dead_;
  std::promise<void> connected_promise_;
  std::promise<void> drained_promise_;
  LoadSchedule schedule_{};
  LoadStats stats_;
  std::size_t next_user_ = 0;
  std::size_t settled_ = 0;
  std::atomic<std::size_t> up_{0};
  std::size_t next_connection_ = 0;
  std::uint64_t issued_ = 0;
  std::int64_t in_flight_ = 0;
  bool connect_done_ = false;
  bool running_ = false;
  bool ended_ = false;
  bool drained_ = false;
};

LoadWorker::LoadWorker(const LoadOptions& options, std::vector<UserToken> connections, double rate,
                       RunProgress& progress)
    : impl_(std::make_unique<Impl>(options, std::move(connections), rate, progress)) {}

LoadWorker::~LoadWorker() = default;

std::future<void> LoadWorker::connect_all() { return impl_->connect_all(); }
std::size_t LoadWorker::connected() const { return impl_->connected(); }
std::future<void> LoadWorker::run(const LoadSchedule& schedule) { return impl_->run(schedule); }
LoadStats LoadWorker::finish() { return impl_->finish(); }

}  // namespace agenthost::bench::load
