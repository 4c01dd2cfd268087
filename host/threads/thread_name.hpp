#pragma once
/// \file
/// Threads named for what they do, so that `top -H`, `ps -L -o tid,comm`, perf and
/// gdb say which part of agenthostd or of a worker is busy (docs/operations.md lists
/// the names).

#include <pthread.h>

#include <string>
#include <thread>
#include <utility>

namespace agenthost::threads {

/// Names the calling thread. Linux keeps 15 characters of a name: longer ones are
/// cut, never refused. A failure changes nothing but the name, so it is ignored.
inline void name_this_thread(std::string name) {
  if (name.size() > 15) name.resize(15);
  ::pthread_setname_np(::pthread_self(), name.c_str());
}

/// A thread that names itself `name`, then runs `body`.
template <class Body>
std::thread start_named(std::string name, Body body) {
  return std::thread([name = std::move(name), body = std::move(body)]() mutable {
    name_this_thread(std::move(name));
    body();
  });
}

}  // namespace agenthost::threads
