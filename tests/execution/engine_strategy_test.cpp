// One run at a time per thread: the reject, enqueue and interrupt strategies, and
// threads that belong to one user.
#include <catch2/catch.hpp>

#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;

namespace {

const boost::json::object kLongSleep{{"ms", 60000}};

}  // namespace

TEST_CASE("reject: a run on a busy thread is refused with thread_busy") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  const auto first = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  try {
    (void)engine->submit(
        request("user-alice", "chatty", {}, first.thread_id, MultitaskStrategy::reject));
    FAIL("accepted on a busy thread");
  } catch (const RunRefused& e) {
    CHECK(e.code() == "thread_busy");
  }
  CHECK(engine->cancel("user-alice", first.run_id));
  (void)wait_final(first);
  const auto later = engine->submit(
      request("user-alice", "chatty", {}, first.thread_id, MultitaskStrategy::reject), host.sink());
  CHECK(wait_final(later).status == rs::completed);
}

TEST_CASE("enqueue: a run waits for the thread's current run - other threads go on") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());  // 2 concurrent runs per user
  const auto first = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  const auto second = engine->submit(
      request("user-alice", "chatty", {}, first.thread_id, MultitaskStrategy::enqueue),
      host.sink());
  const auto elsewhere = engine->submit(request("user-alice", "chatty"), host.sink());
  CHECK(second.thread_id == first.thread_id);

  // Another thread of the same user runs while the first thread is busy...
  CHECK(wait_final(elsewhere).status == rs::completed);
  REQUIRE(host.journal.wait_for_event(first.run_id, "agent_started"));
  // ...but the second run of the busy thread has not started.
  CHECK_FALSE(is_final_within(first, 0ms));
  CHECK(host.journal.position(second.run_id, "agent_started") == -1);

  CHECK(engine->cancel("user-alice", first.run_id));
  CHECK(wait_final(first).status == rs::cancelled);
  CHECK(wait_final(second).status == rs::completed);
  // The second run started only after the first one's terminal event.
  CHECK(host.journal.position(second.run_id, "agent_started") >
        host.journal.position(first.run_id, "agent_death"));
}

TEST_CASE("interrupt: the running run ends interrupted, queued ones are dropped, the new starts") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto running = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_for_event(running.run_id, "agent_started"));
  const auto waiting =
      engine->submit(request("user-alice", "chatty", {}, running.thread_id), host.sink());
  const auto newest = engine->submit(
      request("user-alice", "chatty", {}, running.thread_id, MultitaskStrategy::interrupt),
      host.sink());

  CHECK(wait_final(running).status == rs::interrupted);
  CHECK(wait_final(waiting).status == rs::interrupted);
  CHECK(wait_final(newest).status == rs::completed);
  CHECK(host.journal.types_of(running.run_id) ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_death"});
  CHECK(host.journal.of_run(running.run_id).back()->payload.at("death_cause") == "interrupted");
  CHECK(host.journal.types_of(waiting.run_id) == std::vector<std::string>{"agent_death"});
  CHECK(host.journal.position(newest.run_id, "agent_started") >
        host.journal.position(running.run_id, "agent_death"));
  CHECK(host.runs->find_run(running.run_id, "user-alice")->status == rs::interrupted);
}

TEST_CASE("interrupt of a thread whose run is ready but not started drops that run") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  auto engine = host.make_engine(options);
  const auto blocker = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_for_event(blocker.run_id, "agent_started"));
  // Ready on its own thread, but Alice's only slot is taken.
  const auto ready = engine->submit(request("user-alice", "chatty"), host.sink());
  const auto newest = engine->submit(
      request("user-alice", "chatty", {}, ready.thread_id, MultitaskStrategy::interrupt),
      host.sink());
  CHECK(wait_final(ready).status == rs::interrupted);
  CHECK(host.journal.types_of(ready.run_id) == std::vector<std::string>{"agent_death"});
  CHECK(engine->cancel("user-alice", blocker.run_id));
  CHECK(wait_final(newest).status == rs::completed);
  CHECK(wait_final(blocker).status == rs::cancelled);
}

TEST_CASE("a thread belongs to one user: another user's thread id is not found") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto alice = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());

  auto refused_code = [&](RunRequest r) -> std::string {
    try {
      (void)engine->submit(std::move(r));
      return "accepted";
    } catch (const RunRefused& e) {
      return std::string(e.code());
    }
  };
  // While Alice's run is active (known in memory) and after it (known only in the DB).
  CHECK(refused_code(request("user-bob", "chatty", {}, alice.thread_id)) == "not_found");
  CHECK(engine->cancel("user-alice", alice.run_id));
  (void)wait_final(alice);
  CHECK(refused_code(request("user-bob", "chatty", {}, alice.thread_id)) == "not_found");

  // A client-chosen thread id that nobody created is refused exactly like another
  // user's: ids cannot be probed nor claimed before their owner uses them.
  CHECK(refused_code(request("user-carol", "chatty", {}, std::string("carol-thread-7"))) ==
        "not_found");
  CHECK(host.runs->thread_owner("carol-thread-7", "user-carol") ==
        agenthost::database::RunStore::ThreadOwnership::absent);
  // A thread the host created (POST /v1/threads) takes runs of its user only.
  host.runs->create_thread("carol-thread-7", "user-carol");
  const auto chosen = engine->submit(
      request("user-carol", "chatty", {}, std::string("carol-thread-7")), host.sink());
  CHECK(chosen.thread_id == "carol-thread-7");
  CHECK(wait_final(chosen).status == rs::completed);
  CHECK(refused_code(request("user-bob", "chatty", {}, std::string("carol-thread-7"))) ==
        "not_found");
  const auto again = engine->submit(
      request("user-carol", "chatty", {}, std::string("carol-thread-7")), host.sink());
  CHECK(wait_final(again).status == rs::completed);
  CHECK(host.runs->runs_of_thread("carol-thread-7", "user-carol").size() == 2);
}
