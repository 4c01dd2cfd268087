// What waking a sleeping thread costs: two threads hand a turn back and forth through
// a mutex and a condition variable (each hand-off wakes the other, which had gone to
// sleep), pinned to one CPU (the baseline: a wake-up is a switch on the same CPU) or
// to two (the waker's CPU signals the sleeper's, which leaves its idle state). On a
// VM the second is what every hand-off between agenthostd's threads costs when the
// other thread sleeps; it is why a wake-up saved is worth having (ipc/channel.hpp).
// Reported: the round trip (two hand-offs) in real time, and the process's CPU time
// per hand-off (both threads, user and system) as cpu_us_per_wake.

#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace agenthost::bench {
namespace {

bool pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set) == 0;
}

double process_cpu_us() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + usage.ru_utime.tv_usec +
         usage.ru_stime.tv_usec;
}

void hand_off(benchmark::State& state, int other_cpu) {
  if (std::thread::hardware_concurrency() < 2) {
    state.SkipWithError("needs two CPUs");
    return;
  }
  std::mutex mutex;
  std::condition_variable turned;
  bool partner_turn = false, done = false;
  std::thread partner([&] {
    pin_to(other_cpu);
    std::unique_lock lock(mutex);
    for (;;) {
      turned.wait(lock, [&] { return partner_turn || done; });
      if (done) return;
      partner_turn = false;
      turned.notify_all();
    }
  });
  if (!pin_to(0)) state.SkipWithError("cannot pin the thread to CPU 0");
  const double cpu_before = process_cpu_us();
  for (auto _ : state) {
    std::unique_lock lock(mutex);
    partner_turn = true;
    turned.notify_all();
    turned.wait(lock, [&] { return !partner_turn; });
  }
  const double cpu_used = process_cpu_us() - cpu_before;
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  turned.notify_all();
  partner.join();
  state.counters["cpu_us_per_wake"] =
      cpu_used /
      (2.0 * static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1)));
}

// Baseline: both threads on CPU 0.
void BM_HandOff_SameCpu(benchmark::State& state) { hand_off(state, 0); }
BENCHMARK(BM_HandOff_SameCpu)->UseRealTime();

void BM_HandOff_OtherCpu(benchmark::State& state) { hand_off(state, 1); }
BENCHMARK(BM_HandOff_OtherCpu)->UseRealTime();

}  // namespace
}  // namespace agenthost::bench
