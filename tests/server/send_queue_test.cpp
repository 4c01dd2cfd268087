#include <catch2/catch.hpp>

#include <string>

#include "server/send_queue.hpp"

using agenthost::server::SendQueue;

TEST_CASE("the send queue is bounded in frames and in bytes") {
  SendQueue by_frames(4, 1 << 20);
  for (int i = 0; i < 3; ++i) by_frames.push("x");
  CHECK_FALSE(by_frames.over());
  CHECK(by_frames.over(2));
  by_frames.push("x");
  CHECK(by_frames.over());

  // Two frames of 40 KiB reach a bound of 64 KiB long before 1024 frames do.
  SendQueue by_bytes(1024, 64 * 1024);
  by_bytes.push(std::string(40 * 1024, 'a'));
  CHECK_FALSE(by_bytes.over());
  CHECK(by_bytes.over(2));
  by_bytes.push(std::string(40 * 1024, 'b'));
  CHECK(by_bytes.over());
  CHECK(by_bytes.bytes() == 80 * 1024);
  by_bytes.pop_front();
  CHECK(by_bytes.bytes() == 40 * 1024);
  CHECK_FALSE(by_bytes.over());
}

TEST_CASE("a single frame larger than the byte bound is still accepted by an empty queue") {
  SendQueue queue(1024, 64 * 1024);
  CHECK_FALSE(queue.over());
  queue.push(std::string(100 * 1024, 'z'));
  CHECK(queue.over());  // nothing more until it is written
  queue.pop_front();
  CHECK_FALSE(queue.over());
}

TEST_CASE("answers may exceed the bounds by the headroom only") {
  SendQueue queue(2, 1 << 20);
  queue.push("a");
  queue.push("b");
  CHECK(queue.over());
  CHECK_FALSE(queue.over_with_headroom(1, 0));
  queue.push("c");
  CHECK(queue.over_with_headroom(1, 0));
  // Dropping what waits keeps the frame being written.
  queue.drop_waiting(true);
  CHECK(queue.size() == 1);
  CHECK(queue.front() == "a");
  CHECK(queue.bytes() == 1);
  queue.drop_waiting(false);
  CHECK(queue.empty());
  CHECK(queue.bytes() == 0);
}
