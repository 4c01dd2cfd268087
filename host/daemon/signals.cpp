#include "daemon/signals.hpp"

#include <pthread.h>
#include <csignal>

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

}  // namespace agenthost::daemon
