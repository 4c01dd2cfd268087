// TestContextBuilder: valid defaults, the host's validation, ids per run.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>

#include "sdk_test_agents.hpp"

using agenthost::ContextError;
using agenthost::testing::AgentHarness;
using agenthost::testing::TestContextBuilder;

TEST_CASE("the default test context is valid and numbered by run") {
  const auto first = TestContextBuilder().build();
  CHECK(first.user_id() == "user-0001");
  CHECK(first.thread_id() == "thread-0001");
  CHECK(first.run_id() == "run-000001");
  CHECK(first.request_id() == "request-000001");
  CHECK(first.depth() == 0);
  CHECK_FALSE(first.stop_requested());
  CHECK(TestContextBuilder().build({}, 42).run_id() == "run-000042");
  CHECK(TestContextBuilder().run_id("run-fixed").build({}, 42).run_id() == "run-fixed");
}

TEST_CASE("the builder refuses what the host refuses, naming the field") {
  try {
    TestContextBuilder().user_id("default").build();
    FAIL("a placeholder user id was accepted");
  } catch (const ContextError& e) {
    CHECK(e.field() == "user_id");
  }
  try {
    TestContextBuilder().metadata("run_id", "mine").build();
    FAIL("a reserved metadata key was accepted");
  } catch (const ContextError& e) {
    CHECK(e.field() == "metadata.run_id");
  }
  CHECK_THROWS_AS(TestContextBuilder().parent("request-0000", 11).build(), ContextError);
}

TEST_CASE("the stop token given to build() is the context's") {
  std::stop_source stop;
  const auto context = TestContextBuilder().build(stop.get_token());
  stop.request_stop();
  CHECK(context.stop_requested());
}

TEST_CASE("harness runs get their own run ids, the agent's name and the test's metadata") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Parrot>("parrot");
  harness.context().user_id("alice-7").metadata("channel", "web");
  const auto first = harness.run("parrot");
  const auto second = harness.run("parrot");
  CHECK(first.run_id == "run-000001");
  CHECK(second.run_id == "run-000002");
  CHECK(first.event("agent_started").payload.at("metadata") ==
        boost::json::object{{"channel", "web"}});
}

TEST_CASE("a context the host would refuse fails start(), before any run") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Parrot>("parrot");
  harness.context().thread_id("null");
  CHECK_THROWS_AS(harness.run("parrot"), ContextError);
}
