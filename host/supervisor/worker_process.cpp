#include "supervisor/worker_process.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <system_error>
#include <thread>

#include "threads/thread_name.hpp"

namespace agenthost::supervisor {
namespace {

// `end` at ipc::kWorkerChannelEnd's descriptors. dup2 clears close-on-exec on the
// copies; every other descriptor above them is closed.
[[noreturn]] void exec_worker(ipc::ChannelEnd end, pid_t parent, const WorkerLaunch& launch,
                              char* const argv[]) {
  // Only async-signal-safe calls from here on: another thread of the parent may have
  // held a lock (the allocator's) when it forked.
  constexpr auto target = ipc::kWorkerChannelEnd;
  static_assert(target.write_fd == target.read_fd + 1);
  // Out of the way first, should either already sit at a target number.
  const int read_fd = ::fcntl(end.read_fd, F_DUPFD_CLOEXEC, target.write_fd + 1);
  const int write_fd = ::fcntl(end.write_fd, F_DUPFD_CLOEXEC, target.write_fd + 1);
  if (read_fd < 0 || write_fd < 0) ::_exit(126);
  if (::dup2(read_fd, target.read_fd) < 0 || ::dup2(write_fd, target.write_fd) < 0) ::_exit(126);
  ::syscall(SYS_close_range, target.write_fd + 1, ~0U, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);  // the supervisor died meanwhile
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (launch.memory_limit_bytes > 0) {
    const rlimit limit{launch.memory_limit_bytes, launch.memory_limit_bytes};
    if (::setrlimit(RLIMIT_DATA, &limit) != 0) {
      static const char kMessage[] =
          "agenthost-worker: workers.memory_limit_mb could not be applied (setrlimit refused; "
          "a seccomp filter?): the worker runs without it\n";
      [[maybe_unused]] auto n = ::write(2, kMessage, sizeof kMessage - 1);
    }
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execv(argv[0], argv);
  ::_exit(127);
}

}  // namespace

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = ::sigabbrev_np(sig);
    return "was killed by signal " + (abbrev ? "SIG" + std::string(abbrev) : std::string("?")) +
           " (" + std::to_string(sig) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended (wait status " + std::to_string(status) + ")";
}

std::shared_ptr<WorkerProcess> WorkerProcess::spawn(const WorkerLaunch& launch, std::string group,
                                                    Listener listener) {
  const auto [supervisor_end, worker_end] = ipc::open_channel_pair();
  const auto close_end = [](ipc::ChannelEnd end) {
    ::close(end.read_fd);
    ::close(end.write_fd);
  };
  // Prepared before fork: the child may not allocate.
  std::string executable = launch.executable, flag = "--config", config = launch.config_file;
  char* argv[] = {executable.data(), flag.data(), config.data(), nullptr};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    close_end(supervisor_end);
    close_end(worker_end);
    throw std::system_error(error, std::generic_category(), "fork of a worker process");
  }
  if (pid == 0) exec_worker(worker_end, parent, launch, argv);
  close_end(worker_end);
  std::shared_ptr<WorkerProcess> worker(new WorkerProcess(pid, supervisor_end, std::move(group)));
  threads::start_named("ah-wrk-" + std::to_string(pid), [worker, listener = std::move(listener)] {
    worker->read_frames(listener);
  }).detach();
  return worker;
}

WorkerProcess::WorkerProcess(pid_t pid, ipc::ChannelEnd end, std::string group)
    : pid_(pid), channel_(end), group_(std::move(group)) {}

WorkerProcess::~WorkerProcess() = default;

void WorkerProcess::attach(const std::string& run_id, ipc::RunInbox& inbox) {
  std::lock_guard lock(mutex_);
  runs_[run_id] = &inbox;
}

void WorkerProcess::detach(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  runs_.erase(run_id);
}

std::vector<std::pair<std::string, ipc::RunInbox*>> WorkerProcess::attached() const {
  std::lock_guard lock(mutex_);
  return {runs_.begin(), runs_.end()};
}

std::size_t WorkerProcess::load() const {
  std::lock_guard lock(mutex_);
  return runs_.size();
}

void WorkerProcess::kill() noexcept { ::kill(pid_, SIGKILL); }

std::string WorkerProcess::crashed_run() const {
  std::lock_guard lock(mutex_);
  return crashed_run_;
}

void WorkerProcess::read_frames(const Listener& listener) {
  const auto why = channel_.read_frames(
      [this, &listener](ipc::Frame&& frame) { route(std::move(frame), listener); });
  if (!why.empty()) {
    // A worker that breaks the protocol is not trusted with its runs any more.
    spdlog::error("worker process {}: {}; killing it", pid_, why);
    kill();
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  listener.exited(shared_from_this(), describe_exit(status));
}

void WorkerProcess::route(ipc::Frame&& frame, const Listener& listener) {
  if (frame.type == ipc::FrameType::ready) {
    ready = true;
    listener.ready(shared_from_this());
    return;
  }
  const auto* run = frame.body.if_contains("run");
  if (!run || !run->is_string()) throw ipc::FrameError("a frame names no run");
  std::lock_guard lock(mutex_);
  if (frame.type == ipc::FrameType::crash) {  // the worker's last words; it is dying
    crashed_run_ = std::string(run->get_string());
    return;
  }
  auto it = runs_.find(std::string(run->get_string()));
  // A run that already ended here (its worker was too slow to stop it): dropped.
  if (it != runs_.end()) it->second->push(std::move(frame));
}

}  // namespace agenthost::supervisor
