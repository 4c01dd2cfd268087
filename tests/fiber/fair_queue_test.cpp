// FairQueue: users are served in turn, whatever the order they queued in.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fiber/fair_queue.hpp"

using agenthost::fiber::FairQueue;

namespace {

std::vector<std::string> drain(FairQueue<std::string>& queue) {
  std::vector<std::string> order;
  while (auto item = queue.pop()) order.push_back(*item);
  return order;
}

}  // namespace

TEST_CASE("a user with many items waiting delays another user's item by one turn") {
  FairQueue<std::string> queue;
  for (int i = 0; i < 100; ++i) queue.push("hog", "hog-" + std::to_string(i));
  queue.push("bob", "bob-0");
  CHECK(queue.size() == 101);
  CHECK(queue.users() == 2);
  const auto order = drain(queue);
  REQUIRE(order.size() == 101);
  CHECK(order[0] == "hog-0");
  CHECK(order[1] == "bob-0");  // one hand-off after the hog's first, not after its hundred
  CHECK(order[100] == "hog-99");
  CHECK(queue.empty());
  CHECK(queue.users() == 0);
}

TEST_CASE("items of one user keep their order and users take turns") {
  FairQueue<std::string> queue;
  queue.push("a", "a1");
  queue.push("a", "a2");
  queue.push("b", "b1");
  queue.push("c", "c1");
  queue.push("b", "b2");
  CHECK(drain(queue) == std::vector<std::string>{"a1", "b1", "c1", "a2", "b2"});
}

TEST_CASE("remove takes out only items still queued") {
  FairQueue<std::string> queue;
  const auto a1 = queue.push("a", "a1");
  const auto b1 = queue.push("b", "b1");
  const auto a2 = queue.push("a", "a2");
  CHECK(queue.remove(b1) == "b1");
  CHECK_FALSE(queue.remove(b1).has_value());  // removed already
  CHECK(queue.users() == 1);
  CHECK(queue.pop() == "a1");
  CHECK_FALSE(queue.remove(a1).has_value());  // popped already
  CHECK(queue.remove(a2) == "a2");
  CHECK(queue.empty());
  CHECK_FALSE(queue.pop().has_value());
}

TEST_CASE("items put back at the front come first again, in their order") {
  FairQueue<std::string> queue;
  queue.push("a", "a1");
  queue.push("a", "a2");
  queue.push("a", "a3");
  queue.push("b", "b1");
  // A consumer took a1 and a2 and could not use them: back in reverse, as a batch is.
  const auto first = queue.pop(), second = queue.pop(), third = queue.pop();
  CHECK(*first == "a1");
  CHECK(*second == "b1");
  CHECK(*third == "a2");
  queue.push_front("a", *third);
  queue.push_front("b", *second);
  queue.push_front("a", *first);
  // Each user's items in their first order (which user goes first may change).
  std::vector<std::string> a, b;
  for (const auto& item : drain(queue)) (item[0] == 'a' ? a : b).push_back(item);
  CHECK(a == std::vector<std::string>{"a1", "a2", "a3"});
  CHECK(b == std::vector<std::string>{"b1"});
  queue.push("c", "c1");
  queue.clear();
  CHECK(queue.empty());
  CHECK(queue.users() == 0);
  CHECK_FALSE(queue.pop());
}

TEST_CASE("several items of one user are taken together, and the users still take turns") {
  FairQueue<std::string> queue;
  for (const auto* item : {"a1", "a2", "a3", "a4", "a5"}) queue.push("a", item);
  queue.push("b", "b1");
  queue.push("b", "b2");
  std::vector<std::string> out;
  CHECK(queue.pop_several(out, 3) == 3);  // a's turn: its first three, in order
  CHECK(out == std::vector<std::string>{"a1", "a2", "a3"});
  CHECK(queue.pop_several(out, 3) == 2);  // then b's, all it has
  CHECK(queue.pop_several(out, 3) == 2);  // a again, for the rest
  CHECK(out == std::vector<std::string>{"a1", "a2", "a3", "b1", "b2", "a4", "a5"});
  CHECK(queue.empty());
  CHECK(queue.users() == 0);
  CHECK(queue.pop_several(out, 3) == 0);
  // A user emptied by a take leaves the turns; one pushed afterwards goes last.
  queue.push("c", "c1");
  queue.push("a", "a6");
  CHECK(queue.pop_several(out, 0) == 0);
  CHECK(queue.size() == 2);
  CHECK(queue.pop() == "c1");
  CHECK(queue.pop() == "a6");
}

template <class Queue>
concept CanRemove = requires(Queue q) {
  q.remove(1);
};

TEST_CASE("a queue without removal serves the same turns") {
  // Its items are only popped: no remove(), and no ticket -> user entry per item.
  static_assert(!CanRemove<FairQueue<std::string, false>>);
  static_assert(CanRemove<FairQueue<std::string, true>>);
  FairQueue<std::string, false> queue;
  queue.push("a", "a1");
  queue.push("a", "a2");
  queue.push("b", "b1");
  queue.push_front("b", "b0");
  std::vector<std::string> out;
  CHECK(queue.pop_several(out, 8) == 2);
  CHECK(out == std::vector<std::string>{"a1", "a2"});
  CHECK(queue.pop() == "b0");
  CHECK(queue.size() == 1);
  CHECK(queue.pop() == "b1");
  CHECK(queue.empty());
  queue.push("c", "c1");
  queue.clear();
  CHECK(queue.users() == 0);
}
