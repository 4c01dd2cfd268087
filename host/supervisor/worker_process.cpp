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

// `end` at ipc::kWorkerChannelEnd's descriptors and `last_words` at
// ipc::kWorkerLastWordsFd; every other descriptor above 2 is closed.
[[noreturn]] void exec_worker(ipc::ChannelEnd end, int last_words, pid_t parent,
                              const WorkerLaunch& launch, char* const argv[]) {
  // Only async-signal-safe calls from here on: another thread of the parent may have
  // held a lock (the allocator's) when it forked.
  constexpr int kTargets[] = {ipc::kWorkerChannelEnd.read_fd, ipc::kWorkerChannelEnd.write_fd,
                              ipc::kWorkerLastWordsFd};
  static_assert(kTargets[0] == 3 && kTargets[1] == 4 && kTargets[2] == 5);
  const int sources[] = {end.read_fd, end.write_fd, last_words};
  int moved[3];
  // Out of the way first, should a source already sit at a target number.
  for (int i = 0; i < 3; ++i)
    if ((moved[i] = ::fcntl(sources[i], F_DUPFD_CLOEXEC, kTargets[2] + 1)) < 0) ::_exit(126);
  for (int i = 0; i < 3; ++i)
    if (::dup2(moved[i], kTargets[i]) < 0) ::_exit(126);
  ::syscall(SYS_close_range, kTargets[2] + 1, ~0U, 0);
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
  // The read end does not block: a process the worker started may still hold the
  // write end when the worker is gone.
  int last_words[2];
  if (::pipe2(last_words, O_CLOEXEC) != 0 || ::fcntl(last_words[0], F_SETFL, O_NONBLOCK) != 0) {
    const int error = errno;
    close_end(supervisor_end);
    close_end(worker_end);
    throw std::system_error(error, std::generic_category(), "pipe for a worker process");
  }
  // Prepared before fork: the child may not allocate.
  std::string executable = launch.executable, flag = "--config", config = launch.config_file;
  char* argv[] = {executable.data(), flag.data(), config.data(), nullptr};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    close_end(supervisor_end);
    close_end(worker_end);
    ::close(last_words[0]);
    ::close(last_words[1]);
    throw std::system_error(error, std::generic_category(), "fork of a worker process");
  }
  if (pid == 0) exec_worker(worker_end, last_words[1], parent, launch, argv);
  close_end(worker_end);
  ::close(last_words[1]);
  std::shared_ptr<WorkerProcess> worker;
  try {
    worker.reset(
        new WorkerProcess(pid, supervisor_end, last_words[0], std::move(group), listener.backlog));
  } catch (...) {  // its channel could not be set up: the process goes at once
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    ::close(last_words[0]);
    throw;
  }
  threads::start_named("ah-wrk-" + std::to_string(pid), [worker, listener = std::move(listener)] {
    worker->read_frames(listener);
  }).detach();
  return worker;
}

WorkerProcess::WorkerProcess(pid_t pid, ipc::ChannelEnd end, int last_words_fd, std::string group,
                             std::function<void(const std::shared_ptr<WorkerProcess>&)> on_backlog)
    : pid_(pid),
      on_backlog_(std::move(on_backlog)),
      // A sender holds the worker (RemoteRun::worker()), so shared_from_this() is valid.
      channel_(end, [this] { on_backlog_(shared_from_this()); }),
      last_words_fd_(last_words_fd),
      group_(std::move(group)) {}

WorkerProcess::~WorkerProcess() { ::close(last_words_fd_); }

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
  read_last_words();
  listener.exited(shared_from_this(), describe_exit(status));
}

void WorkerProcess::read_last_words() {
  // Written before the process died, so all there now that it is reaped.
  ipc::FrameDecoder decoder;
  char chunk[512];
  ssize_t n;
  while ((n = ::read(last_words_fd_, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) decoder.feed(std::string_view(chunk, static_cast<std::size_t>(n)));
  try {
    while (auto frame = decoder.next()) {
      const auto* run = frame->body.if_contains("run");
      if (frame->type != ipc::FrameType::crash || !run || !run->is_string())
        throw ipc::FrameError("not a crash frame naming a run");
      std::lock_guard lock(mutex_);
      crashed_run_ = std::string(run->get_string());
    }
  } catch (const ipc::FrameError& e) {
    spdlog::error(
        "worker process {}: its last words are malformed ({}); its crash is charged to "
        "every run it had",
        pid_, e.what());
  }
}

void WorkerProcess::route(ipc::Frame&& frame, const Listener& listener) {
  if (frame.type == ipc::FrameType::ready) {
    ready = true;
    listener.ready(shared_from_this());
    return;
  }
  const auto* run = frame.body.if_contains("run");
  if (!run || !run->is_string()) throw ipc::FrameError("a frame names no run");
  // A crash notice comes from the pool, never from the worker (its last words come
  // through their own pipe): a worker must not end its runs as crashed while alive.
  if (frame.type == ipc::FrameType::crash)
    throw ipc::FrameError("a worker does not send crash frames on its channel");
  std::lock_guard lock(mutex_);
  auto it = runs_.find(std::string(run->get_string()));
  // A run that already ended here (its worker was too slow to stop it): dropped.
  if (it != runs_.end()) it->second->push(std::move(frame));
}

}  // namespace agenthost::supervisor
