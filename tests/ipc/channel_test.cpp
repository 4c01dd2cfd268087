#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "fiber/blocking_pool.hpp"
#include "ipc/channel.hpp"
#include "ipc/run_inbox.hpp"

namespace ipc = agenthost::ipc;
namespace json = boost::json;

TEST_CASE("frames sent from many threads arrive whole over a socket pair") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  ipc::Channel left(fds[0]), right(fds[1]);
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

TEST_CASE("a peer that sends garbage ends the reading with why") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  ipc::Channel reader(fds[0]);
  const char garbage[] = "\x00\x00\x00\x03\x63{}";
  REQUIRE(::send(fds[1], garbage, sizeof garbage - 1, 0) == sizeof garbage - 1);
  const auto why = reader.read_frames([](ipc::Frame&&) { FAIL("a frame was accepted"); });
  CHECK(why == "malformed frame: frame type 99 is unknown");
  ::close(fds[1]);
}

TEST_CASE("sending to a peer that is gone fails without a signal") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  ipc::Channel left(fds[0]);
  ::close(fds[1]);
  CHECK_FALSE(left.send(ipc::Frame{ipc::FrameType::done, json::object{{"run", "r"}}}));
  CHECK_FALSE(left.send(ipc::Frame{ipc::FrameType::done, json::object{{"run", "r"}}}));
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
