#include "daemon/signals.hpp"

#include <pthread.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>

namespace agenthost::daemon {

namespace {

sigset_t host_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void block_host_signals() {
  const sigset_t set = host_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Signal wait_for_signal() {
  const sigset_t set = host_signal_set();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) return Signal::reload;
    return Signal::terminate;
  }
}

std::optional<Signal> wait_for_signal(std::chrono::milliseconds timeout) {
  const sigset_t set = host_signal_set();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::max(std::chrono::nanoseconds(0), deadline - std::chrono::steady_clock::now());
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(left).count());
    ts.tv_nsec = static_cast<long>((left - std::chrono::seconds(ts.tv_sec)).count());
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGHUP) return Signal::reload;
    if (sig == SIGINT || sig == SIGTERM) return Signal::terminate;
    if (errno == EAGAIN) return std::nullopt;  // timed out; EINTR: wait again
  }
}

}  // namespace agenthost::daemon
