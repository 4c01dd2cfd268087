// agenthost-worker: a worker process of agenthostd (host/supervisor starts it; it is
// not meant to be run by hand). Usage: agenthost-worker --config FILE, with its end of
// the supervisor's channel as file descriptors 3 (from it) and 4 (to it), and the pipe
// of its last words as 5.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <iostream>
#include <string>

#include "config/host_config.hpp"
#include "daemon/component_options.hpp"
#include "ipc/channel.hpp"
#include "logging/logging.hpp"
#include "worker/crash_report.hpp"
#include "worker/worker_host.hpp"

namespace {

// A process an agent starts (system(), a tool's subprocess) must not inherit them: one
// that outlived this worker would hold the channel open, and the supervisor would not
// see the worker's death until it ended too.
void keep_from_children(std::initializer_list<int> fds) {
  for (const int fd : fds) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

void leave(int status) {
  spdlog::default_logger()->flush();
  // Not exit(): a run whose agent ignores its stop token may still hold a thread,
  // and destroying the process's objects would wait for it. Everything a run wrote
  // is committed or rolled back by the database; the supervisor ends what is left.
  std::_Exit(status);
}

}  // namespace

int main(int argc, char** argv) {
  // The supervisor decides when a worker ends (it closes the channel, or kills it):
  // a terminal's Ctrl-C or systemd's SIGTERM to the whole group must not end the
  // runs before the supervisor has drained them.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) std::signal(sig, SIG_IGN);
  if (argc != 3 || std::string(argv[1]) != "--config") {
    std::cerr << "agenthost-worker: started by agenthostd, not by hand (usage: "
                 "agenthost-worker --config FILE, channel on fds 3 and 4, last words on 5)\n";
    return 2;
  }
  constexpr auto channel = agenthost::ipc::kWorkerChannelEnd;
  keep_from_children({channel.read_fd, channel.write_fd, agenthost::ipc::kWorkerLastWordsFd});
  agenthost::worker::install_crash_report(agenthost::ipc::kWorkerLastWordsFd);
  try {
    const auto config = agenthost::config::load_config_file(argv[2]);
    agenthost::logging::configure(agenthost::daemon::log_options(config.logging));
    agenthost::worker::WorkerHost host(config, agenthost::ipc::kWorkerChannelEnd);
    spdlog::info("worker {}: plugins loaded, taking runs", ::getpid());
    leave(host.serve());
  } catch (const std::exception& e) {
    spdlog::critical("worker {}: cannot start: {}", ::getpid(), e.what());
    leave(3);
  }
}
