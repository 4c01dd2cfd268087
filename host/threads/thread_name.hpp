#pragma once
/// \file
/// name_this_thread: gives the calling thread a name the operator's tools show
/// (`top -H`, `ps -L -o tid,comm`, `perf report --sort comm`, gdb), so that a busy
/// thread of agenthostd or of a worker says what it is: ah-io-0, ah-request-3, ah-fiber-2,
/// ah-blocking-5, ah-event-writer, ah-checkpoint, ah-retention, ah-run-timer,
/// ah-supervise, ah-wrk-<pid> (the reader of worker process <pid>'s channel),
/// ah-models. docs/operations.md lists them.

#include <pthread.h>

#include <string>

namespace agenthost::threads {

/// Linux keeps 15 characters of a name: longer ones are cut, never refused. A
/// failure changes nothing but the name, so it is ignored.
inline void name_this_thread(std::string name) {
  if (name.size() > 15) name.resize(15);
  ::pthread_setname_np(::pthread_self(), name.c_str());
}

}  // namespace agenthost::threads
