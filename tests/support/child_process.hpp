#pragma once
/// \file
/// A child process for tests that drive the real agenthostd: started with
/// posix_spawn, its stdout and stderr captured by reader threads, waited for with a
/// deadline (never a sleep).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace agenthost::testing {

class ChildProcess {
 public:
  /// Starts `argv[0]` with `argv`, the current environment plus `env`. Throws on failure.
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env = {});
  ~ChildProcess();  // kills (SIGKILL) and reaps the child if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Waits until the child exits (and closed its output); its exit status (128 +
  /// signal when killed), or nullopt when `timeout` passed first.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// Waits until stdout + stderr so far satisfy `pred`; false on timeout or on exit
  /// without it.
  bool wait_for_output(const std::function<bool(const std::string&)>& pred,
                       std::chrono::milliseconds timeout);
  void signal(int sig);
  pid_t pid() const noexcept { return pid_; }
  std::string out() const;  ///< stdout so far
  std::string err() const;  ///< stderr so far

 private:
  void read_into(int fd, std::string& buffer);

  pid_t pid_ = -1;
  std::optional<int> status_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int open_streams_ = 2;
  std::string out_, err_;
  std::thread out_reader_, err_reader_;
};

/// Runs a command to completion (timeout 60 s) and returns {status, stdout, stderr}.
struct RunResult {
  int status;
  std::string out;
  std::string err;
};
RunResult run_command(std::vector<std::string> argv, std::map<std::string, std::string> env = {});

}  // namespace agenthost::testing
