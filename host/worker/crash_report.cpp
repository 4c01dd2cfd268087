#include "worker/crash_report.hpp"

#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstring>

#include "fiber/fiber_waiter.hpp"
#include "ipc/frame.hpp"

namespace agenthost::worker {
namespace {

int g_last_words_fd = -1;

// Async-signal-safe: no allocation, no locks; the frame is built in a stack buffer.
void report(int sig) {
  const char* tag = fiber::FiberWaiter::running_tag();
  if (tag && g_last_words_fd >= 0) {
    char frame[160];
    std::size_t n = ipc::kFrameHeaderBytes;
    frame[n++] = static_cast<char>(ipc::FrameType::crash);
    static constexpr char kRun[] = "{\"run\":\"";
    std::memcpy(frame + n, kRun, sizeof kRun - 1);
    n += sizeof kRun - 1;
    // Run ids are hex; anything else would need escaping, so it is left out.
    for (std::size_t i = 0; tag[i] != '\0' && i < 64; ++i) {
      const char c = tag[i];
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        frame[n++] = c;
    }
    static constexpr char kSignal[] = "\",\"signal\":";
    std::memcpy(frame + n, kSignal, sizeof kSignal - 1);
    n += sizeof kSignal - 1;
    if (sig >= 10) frame[n++] = static_cast<char>('0' + sig / 10);
    frame[n++] = static_cast<char>('0' + sig % 10);
    frame[n++] = '}';
    const std::size_t length = n - ipc::kFrameHeaderBytes;
    frame[0] = 0;
    frame[1] = 0;
    frame[2] = static_cast<char>((length >> 8) & 0xff);
    frame[3] = static_cast<char>(length & 0xff);
    [[maybe_unused]] auto written = ::write(g_last_words_fd, frame, n);
  }
  // SA_RESETHAND restored the default action: the fault repeats (or abort raises
  // again) and the process dies of `sig`, which the supervisor reports.
  std::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void install_crash_report(int last_words_fd) {
  g_last_words_fd = last_words_fd;
  struct sigaction action {};
  action.sa_handler = report;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) ::sigaction(sig, &action, nullptr);
}

}  // namespace agenthost::worker
