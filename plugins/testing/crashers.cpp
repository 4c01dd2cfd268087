// crashers: agents that take down the process they run in, or never end, for the
// worker-isolation tests (a crash must end only that worker's runs). Not an example
// to copy; never load it into a host whose runs matter.
//
//   crash_segfault   writes through a null pointer (SIGSEGV)
//   crash_abort      std::abort() (SIGABRT)
//   crash_terminate  std::terminate()
//   crash_exit       _exit(3)
//   hang             ignores its stop token: sleeps 20 ms at a time, forever
//   memory_hog       keeps allocating 64 MiB blocks and touching every page; aborts
//                    when an allocation fails
//   crash_resumable  resumable: without a checkpoint, saves {"step": 1} and segfaults;
//                    with one, returns {"resumed": true, "checkpoint": <it>}
//
// Each emits progress_update {"message": "about to crash"} first (so a test sees it
// started), and takes an optional input {"after_ms": n}: it first waits n ms through
// the host's waiter (a waiting run holds no thread, so a test can crash it while
// other runs are in flight). A run stopped during that wait ends without crashing.

#include <unistd.h>

#include <agenthost/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <thread>
#include <vector>

namespace {

constexpr std::int64_t kMaxAfterMs = 3'600'000;

std::int64_t after_ms(const boost::json::value& input) {
  const auto* object = input.if_object();
  const auto* v = object ? object->if_contains("after_ms") : nullptr;
  return v && v->is_int64() ? v->as_int64() : 0;
}

/// {"after_ms": optional integer 0 .. 1h}, nothing else.
boost::json::object after_ms_schema() {
  return {{"type", "object"},
          {"properties",
           {{"after_ms", {{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxAfterMs}}}}},
          {"additionalProperties", false}};
}

[[noreturn]] void write_through_null() {
  volatile int* volatile null = nullptr;
  *null = 42;
  std::abort();  // not reached: the write faults
}

// Blocks its thread and never looks at the stop token: only killing the process ends it.
[[noreturn]] void hang_forever() {
  for (;;) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// Ends with the process: when an allocation fails (under RLIMIT_DATA) it aborts rather
// than throw std::bad_alloc, which the host would report as the run's error with the
// process alive; without a limit, the kernel's OOM killer ends it.
[[noreturn]] void hog_memory() {
  constexpr std::size_t kBlock = std::size_t{64} << 20;
  std::vector<std::unique_ptr<char[]>> kept;
  kept.reserve(1 << 16);  // 4 TiB of blocks: growing the vector never allocates
  for (;;) {
    std::unique_ptr<char[]> block(new (std::nothrow) char[kBlock]);
    if (!block) std::abort();
    std::memset(block.get(), 0xA5, kBlock);
    kept.push_back(std::move(block));
  }
}

// Wrapped: the standard library's functions may not be named as template arguments.
[[noreturn]] void abort_now() { std::abort(); }
[[noreturn]] void terminate_now() { std::terminate(); }
[[noreturn]] void exit_3() { ::_exit(3); }

/// Announces the run, waits input.after_ms through the host's waiter, then calls
/// `Misbehave` (which does not return) unless the run was stopped meanwhile.
template <void (*Misbehave)()>
class Crasher final : public agenthost::Agent {
 public:
  using Agent::Agent;

  boost::json::value run(const boost::json::value& input) override {
    events().emit("progress_update", {{"message", "about to crash"}});
    const auto ms = after_ms(input);
    if (ms > 0 && !context().sleep_for(std::chrono::milliseconds(ms))) {
      return {{"cancelled", true}};
    }
    Misbehave();
    return nullptr;  // not reached
  }
};

class CrashResumable final : public agenthost::Agent {
 public:
  using Agent::Agent;

  boost::json::value run(const boost::json::value& input) override {
    if (auto saved = context().last_checkpoint()) {
      return {{"resumed", true}, {"checkpoint", std::move(*saved)}};
    }
    events().emit("progress_update", {{"message", "about to crash"}});
    const auto ms = after_ms(input);
    if (ms > 0 && !context().sleep_for(std::chrono::milliseconds(ms))) {
      return {{"cancelled", true}};
    }
    context().checkpoint({{"step", 1}});
    write_through_null();
  }
};

template <class A>
void add_crasher(agenthost::Registrar& r, const char* name, const char* description,
                 bool resumable = false) {
  r.add_agent<A>({.name = name,
                  .description = description,
                  .version = "1",
                  .input_schema = after_ms_schema(),
                  .resumable = resumable});
}

void register_crashers(agenthost::Registrar& r) {
  add_crasher<Crasher<write_through_null>>(r, "crash_segfault", "Writes through a null pointer");
  add_crasher<Crasher<abort_now>>(r, "crash_abort", "Calls std::abort()");
  add_crasher<Crasher<terminate_now>>(r, "crash_terminate", "Calls std::terminate()");
  add_crasher<Crasher<exit_3>>(r, "crash_exit", "Calls _exit(3)");
  add_crasher<Crasher<hang_forever>>(r, "hang", "Never ends and ignores cancellation");
  add_crasher<Crasher<hog_memory>>(r, "memory_hog",
                                   "Allocates 64 MiB blocks until the process fails");
  add_crasher<CrashResumable>(r, "crash_resumable",
                              "Checkpoints {step: 1} and segfaults; resumed, returns it",
                              /*resumable=*/true);
}

}  // namespace

AGENTHOST_PLUGIN("crashers", "1.0.0", register_crashers)
