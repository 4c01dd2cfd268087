#include "supervisor/channel_flusher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

#include "supervisor/worker_process.hpp"
#include "threads/thread_name.hpp"

namespace agenthost::supervisor {
namespace {

int make_eventfd() {
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd for ah-flush");
  return fd;
}

}  // namespace

ChannelFlusher::ChannelFlusher(std::chrono::milliseconds deadline, Stalled stalled)
    : deadline_(deadline), stalled_(std::move(stalled)), wake_fd_(make_eventfd()) {
  thread_ = threads::start_named("ah-flush", [this] { loop(); });
}

ChannelFlusher::~ChannelFlusher() {
  stop();
  ::close(wake_fd_);
}

void ChannelFlusher::add(std::shared_ptr<WorkerProcess> worker) {
  {
    std::lock_guard lock(mutex_);
    added_.push_back(std::move(worker));
  }
  wake();
}

void ChannelFlusher::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
}

void ChannelFlusher::wake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
}

void ChannelFlusher::loop() {
  using Clock = std::chrono::steady_clock;
  std::vector<Pending> pending;
  std::vector<pollfd> fds;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      for (auto& w : added_) pending.push_back(Pending{std::move(w), Clock::now()});
      added_.clear();
    }
    // Write what each socket takes now; forget the drained, the gone and the stalled.
    const auto now = Clock::now();
    auto next_deadline = Clock::time_point::max();
    for (auto it = pending.begin(); it != pending.end();) {
      const auto backlog = it->worker->flush_backlog();
      if (backlog.progressed) it->last_progress = now;
      if (backlog.waiting == 0 || backlog.failed) {
        it = pending.erase(it);
      } else if (now - it->last_progress >= deadline_) {
        stalled_(it->worker, backlog.waiting);
        it = pending.erase(it);
      } else {
        next_deadline = std::min(next_deadline, it->last_progress + deadline_);
        ++it;
      }
    }
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    for (const auto& p : pending) fds.push_back(pollfd{p.worker->channel_write_fd(), POLLOUT, 0});
    int timeout_ms = -1;  // nothing waiting: until add() or stop()
    if (next_deadline != Clock::time_point::max())
      timeout_ms = static_cast<int>(std::max<std::int64_t>(
          0, std::chrono::ceil<std::chrono::milliseconds>(next_deadline - Clock::now()).count()));
    if (::poll(fds.data(), fds.size(), timeout_ms) > 0 && (fds[0].revents & POLLIN)) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto n = ::read(wake_fd_, &count, sizeof count);
    }
  }
}

}  // namespace agenthost::supervisor
