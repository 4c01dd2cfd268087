// Child contexts: same run, new request id, parent set, depth + 1, at most 10.
#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "context/context_factory.hpp"

using agenthost::ExecutionContext;

namespace {

ExecutionContext top_level(std::stop_token stop = {}) {
  return agenthost::context::make_run_context({"user-bob",
                                               "thread-b1",
                                               "triage",
                                               {{"origin", "test-suite"}},
                                               {},
                                               std::move(stop),
                                               nullptr});
}

}  // namespace

TEST_CASE("a child context keeps the run and gets a new request id with the parent set") {
  std::stop_source stop;
  auto parent = top_level(stop.get_token());
  auto child = agenthost::context::make_child_context(parent);
  CHECK(child.run_id() == parent.run_id());
  CHECK(child.user_id() == parent.user_id());
  CHECK(child.thread_id() == parent.thread_id());
  CHECK(child.agent_name() == parent.agent_name());
  CHECK(child.request_id() != parent.request_id());
  CHECK(child.parent_request_id() == parent.request_id());
  CHECK(child.depth() == 1);
  CHECK(child.metadata() == parent.metadata());
  // Cancelling the run reaches nested requests too.
  stop.request_stop();
  CHECK(child.stop_requested());
}

TEST_CASE("depth 10 is accepted and depth 11 refused") {
  std::vector<ExecutionContext> chain{top_level()};
  for (int i = 0; i < 10; ++i)
    chain.push_back(agenthost::context::make_child_context(chain.back()));
  CHECK(chain.back().depth() == agenthost::kMaxContextDepth);
  std::set<std::string> request_ids;
  for (const auto& c : chain) {
    CHECK(c.run_id() == chain.front().run_id());
    request_ids.insert(c.request_id());
  }
  CHECK(request_ids.size() == chain.size());
  for (std::size_t i = 1; i < chain.size(); ++i)
    CHECK(chain[i].parent_request_id() == chain[i - 1].request_id());

  try {
    (void)agenthost::context::make_child_context(chain.back());
    FAIL("depth 11 accepted");
  } catch (const agenthost::ContextError& e) {
    CHECK(e.field() == "depth");
  }
}

TEST_CASE("a child context with a placeholder request id is refused") {
  auto parent = top_level();
  CHECK_THROWS_AS(parent.child("placeholder"), agenthost::ContextError);
  CHECK_THROWS_AS(parent.child(""), agenthost::ContextError);
}
