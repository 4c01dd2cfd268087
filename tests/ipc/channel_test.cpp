#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "fiber/fiber_waiter.hpp"
#include "ipc/channel.hpp"
#include "ipc/run_inbox.hpp"

namespace ipc = agenthost::ipc;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// From /proc/self/task/TID/status: the thread's state letter and voluntary switches.
struct TaskStatus {
  char state = '?';
  long voluntary_switches = -1;
};

TaskStatus task_status(long tid) {
  std::ifstream status("/proc/self/task/" + std::to_string(tid) + "/status");
  TaskStatus result;
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("State:", 0) == 0) result.state = line.at(line.find_first_not_of(" \t", 6));
    if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
      result.voluntary_switches = std::stol(line.substr(line.find(':') + 1));
  }
  return result;
}

template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("frames sent from many threads arrive whole over a socket pair") {
  auto [left_end, right_end] = ipc::open_channel_pair();
  ipc::Channel left(left_end), right(right_end);
  constexpr int kThreads = 4, kEach = 500;
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t)
    senders.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        left.send(ipc::Frame{ipc::FrameType::event,
                             json::object{{"t", t}, {"i", i}, {"pad", std::string(300, 'x')}}});
    });
  std::vector<int> next(kThreads, 0);
  int received = 0;
  std::string why;
  std::thread reader([&] {
    why = right.read_frames([&](ipc::Frame&& f) {
      const auto t = static_cast<int>(ipc::uint_field(f, "t"));
      // Each sender's frames keep their order.
      if (static_cast<int>(ipc::uint_field(f, "i")) == next[t]) ++next[t];
      ++received;
    });
  });
  for (auto& s : senders) s.join();
  left.shutdown();
  reader.join();
  CHECK(why.empty());
  CHECK(received == kThreads * kEach);
  CHECK(next == std::vector<int>(kThreads, kEach));
}

TEST_CASE("a channel's reader is not woken when its peer reads what this end sent") {
  auto [left_end, right_end] = ipc::open_channel_pair();
  ipc::Channel left(left_end), right(right_end);
  std::atomic<long> reader_tid{0};
  std::string why;
  std::thread reader([&] {
    reader_tid = ::syscall(SYS_gettid);
    why = left.read_frames([](ipc::Frame&&) {});
  });
  REQUIRE(wait_until([&] { return reader_tid != 0 && task_status(reader_tid).state == 'S'; }, 5s));
  constexpr int kFrames = 1000;
  std::atomic<int> received{0};
  std::thread peer([&] { right.read_frames([&](ipc::Frame&&) { ++received; }); });
  const auto before = task_status(reader_tid).voluntary_switches;
  for (int i = 0; i < kFrames; ++i) {
    REQUIRE(left.send(ipc::Frame{ipc::FrameType::event, json::object{{"i", i}}}));
    // One at a time, so the peer drains each frame before the next is sent.
    REQUIRE(wait_until([&] { return received == i + 1; }, 5s));
  }
  const auto after = task_status(reader_tid).voluntary_switches;
  // Nothing came for the reader: it slept throughout (with one socket for both
  // directions it woke for nearly every frame the peer read).
  CHECK(after - before < kFrames / 10);
  right.shutdown();
  left.shutdown();
  reader.join();
  peer.join();
  CHECK(why.empty());
}

TEST_CASE("a peer that sends garbage ends the reading with why") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  ipc::Channel reader(ipc::ChannelEnd{fds[0], ::dup(fds[0])});
  const char garbage[] = "\x00\x00\x00\x03\x63{}";
  REQUIRE(::send(fds[1], garbage, sizeof garbage - 1, 0) == sizeof garbage - 1);
  const auto why = reader.read_frames([](ipc::Frame&&) { FAIL("a frame was accepted"); });
  CHECK(why == "malformed frame: frame type 99 is unknown");
  ::close(fds[1]);
}

TEST_CASE("sending to a peer that is gone fails without a signal") {
  auto [left_end, right_end] = ipc::open_channel_pair();
  ipc::Channel left(left_end);
  ::close(right_end.read_fd);
  ::close(right_end.write_fd);
  CHECK_FALSE(left.send(ipc::Frame{ipc::FrameType::done, json::object{{"run", "r"}}}));
  CHECK_FALSE(left.send(ipc::Frame{ipc::FrameType::done, json::object{{"run", "r"}}}));
}

TEST_CASE("a non-blocking end keeps what its peer does not read in a backlog, in order") {
  auto [left_end, right_end] = ipc::open_channel_pair();
  std::atomic<int> backlogs{0};
  ipc::Channel left(left_end, [&] { ++backlogs; });
  ipc::Channel right(right_end);
  // 4 MiB to a peer that reads nothing yet: far more than a socket buffer holds, and
  // every send returns at once (a blocking send would hang here for good).
  constexpr int kFrames = 64;
  const std::string pad(64 * 1024, 'x');
  for (int i = 0; i < kFrames; ++i)
    REQUIRE(left.send(ipc::Frame{ipc::FrameType::event, json::object{{"i", i}, {"pad", pad}}}));
  CHECK(backlogs == 1);  // told once, when the backlog began
  auto backlog = left.flush_backlog();
  CHECK(backlog.waiting > 0);
  CHECK_FALSE(backlog.progressed);
  CHECK_FALSE(backlog.failed);

  // The peer starts reading: flushing then delivers every frame, whole and in order.
  std::atomic<int> received{0};
  bool in_order = true;
  std::thread peer([&] {
    right.read_frames([&](ipc::Frame&& f) {
      in_order = in_order && static_cast<int>(ipc::uint_field(f, "i")) == received;
      ++received;
    });
  });
  REQUIRE(wait_until([&] { return left.flush_backlog().waiting == 0; }, 10s));
  REQUIRE(wait_until([&] { return received == kFrames; }, 10s));
  CHECK(in_order);
  // Drained: the next frame goes straight out, and no new backlog is reported.
  REQUIRE(left.send(ipc::Frame{ipc::FrameType::event, json::object{{"i", kFrames}, {"pad", ""}}}));
  REQUIRE(wait_until([&] { return received == kFrames + 1; }, 10s));
  CHECK(backlogs == 1);
  left.shutdown();
  right.shutdown();
  peer.join();
  // A peer that is gone: the backlog reports failure instead of waiting for ever.
  CHECK_FALSE(left.send(ipc::Frame{ipc::FrameType::event, json::object{{"i", 0}}}));
  CHECK(left.flush_backlog().failed);
}

TEST_CASE("a run inbox hands frames over in order to a plain thread") {
  agenthost::fiber::BlockingPool pool(1);
  agenthost::fiber::FiberWaiter waiter("alice", pool);
  ipc::RunInbox inbox;
  std::thread pusher([&] {
    for (int i = 0; i < 100; ++i)
      inbox.push(ipc::Frame{ipc::FrameType::reply, json::object{{"i", i}}});
  });
  for (int i = 0; i < 100; ++i)
    CHECK(ipc::uint_field(inbox.take(waiter), "i") == static_cast<std::uint64_t>(i));
  pusher.join();
}

TEST_CASE("a run taking a flood of frames lets the other runs on its thread go on") {
  agenthost::fiber::BlockingPool pool(1);
  agenthost::fiber::FiberScheduler scheduler({1, 256 * 1024});
  ipc::RunInbox inbox;
  constexpr int kFrames = 10000;
  for (int i = 0; i < kFrames; ++i)
    inbox.push(ipc::Frame{ipc::FrameType::event, json::object{{"i", i}}});
  // The one thread is held until both runs are queued on it, the flood's first.
  std::atomic<bool> go{false};
  std::atomic<int> taken{0}, taken_when_other_ran{-1};
  std::atomic<int> done{0};
  scheduler.spawn(std::make_shared<agenthost::fiber::FiberWaiter>("holder", pool), [&] {
    while (!go) std::this_thread::yield();
    ++done;
  });
  auto flood_waiter = std::make_shared<agenthost::fiber::FiberWaiter>("alice", pool);
  scheduler.spawn(flood_waiter, [&] {
    for (int i = 0; i < kFrames; ++i) {
      inbox.take(*flood_waiter);
      ++taken;
    }
    ++done;
  });
  scheduler.spawn(std::make_shared<agenthost::fiber::FiberWaiter>("bob", pool), [&] {
    taken_when_other_ran = taken.load();
    ++done;
  });
  go = true;
  REQUIRE(wait_until([&] { return done == 3; }, 10s));
  CHECK(taken == kFrames);
  // It never had to wait for a frame, yet it let the other run go after a few dozen.
  CHECK(taken_when_other_ran >= 0);
  CHECK(taken_when_other_ran <= agenthost::fiber::FiberWaiter::kStepsBeforeYield + 1);
  scheduler.stop();
}
