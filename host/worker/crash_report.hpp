#pragma once
/// \file
/// The worker process's last words: on a fatal signal (SIGSEGV, SIGBUS, SIGILL,
/// SIGFPE, SIGABRT: std::terminate and failed assertions included) it writes a crash
/// frame naming the run whose fiber was on the CPU of the faulting thread, then dies
/// of the signal as it would have. The supervisor charges that run's agent alone with
/// the crash (quarantine) instead of every agent with a run in the process. A crash
/// off any run's fiber (a thread a plugin started, or an _exit) names no run.

namespace agenthost::worker {

/// Installs the handlers; `last_words_fd` is the pipe the supervisor reads once the
/// process is gone (ipc::kWorkerLastWordsFd).
void install_crash_report(int last_words_fd);

}  // namespace agenthost::worker
