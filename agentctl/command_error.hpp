#pragma once
/// \file
/// How agentctl fails: one line for stderr and the exit status it maps to. Every
/// part of agentctl throws CommandError; run_cli() prints it and exits with its code.

#include <stdexcept>
#include <string>

namespace agenthost::agentctl {

/// agentctl's exit statuses, documented in the usage text.
enum class ExitCode : int {
  ok = 0,             ///< done; for run and events --follow: the run completed
  failed = 1,         ///< the run failed or died, or the host refused the request
  usage = 2,          ///< bad command line or --input
  unreachable = 3,    ///< the host could not be reached or the connection broke
  waiting = 4,        ///< run: the run asks a question and stdin has no answer (it waits on)
  interrupted = 130,  ///< SIGINT/SIGTERM while streaming (the run goes on)
};

class CommandError : public std::runtime_error {
 public:
  CommandError(ExitCode code, const std::string& message, bool show_usage = false)
      : std::runtime_error(message), code_(code), show_usage_(show_usage) {}
  ExitCode exit_code() const noexcept { return code_; }
  /// The command line itself is wrong: the usage synopsis helps.
  bool show_usage() const noexcept { return show_usage_; }

 private:
  ExitCode code_;
  bool show_usage_;
};

/// A bad command line (exit 2); run_cli() adds the usage synopsis.
inline CommandError usage_error(const std::string& message) {
  return CommandError(ExitCode::usage, message, true);
}

/// A bad --input (exit 2); the message says what to fix, no synopsis needed.
inline CommandError input_error(const std::string& message) {
  return CommandError(ExitCode::usage, message);
}

}  // namespace agenthost::agentctl
