// RunFollower on scripted connections: what it prints, what it sends, how it resumes
// after a lost connection without losing or repeating events, and how it fails.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <deque>
#include <sstream>

#include "agentctl/command_error.hpp"
#include "agentctl/run_follower.hpp"

using namespace agenthost::agentctl;
namespace json = boost::json;

namespace {

FrameRead frame(const std::string& text) { return {FrameRead::Kind::frame, text}; }
FrameRead closed(const std::string& why) { return {FrameRead::Kind::closed, why}; }

std::string event(std::uint64_t seq, std::string_view type, std::string_view payload = "{}",
                  std::string_view run_id = "r1") {
  return json::serialize(json::object{{"type", type},
                                      {"run_id", run_id},
                                      {"thread_id", "t1"},
                                      {"agent_name", "echo"},
                                      {"seq", seq},
                                      {"timestamp", "2026-11-26T06:20:47.125Z"},
                                      {"payload", json::parse(payload)}});
}

const std::string kAccepted =
    R"({"type":"run_accepted","request_id":"agentctl-start-1","run_id":"r1","thread_id":"t1"})";
const std::string kCompleted =
    event(4, "agent_completed", R"({"success":true,"result":{"text":"hi"}})");

// Connections handed out in order; each replays its script, then reports `closed`.
// A script of std::nullopt makes connect() throw "unreachable".
struct ScriptedHost {
  std::deque<std::optional<std::deque<FrameRead>>> scripts;
  std::vector<std::vector<json::object>> sent;  // per connection
  int closed_cleanly = 0;

  class Connection : public FrameConnection {
   public:
    Connection(ScriptedHost& host, std::deque<FrameRead> script)
        : host_(host), script_(std::move(script)), index_(host.sent.size()) {
      host.sent.emplace_back();
    }
    void send(const std::string& text) override {
      host_.sent[index_].push_back(json::parse(text).as_object());
    }
    FrameRead read() override {
      if (script_.empty()) return closed("end of script");
      auto next = std::move(script_.front());
      script_.pop_front();
      return next;
    }
    void close() noexcept override { ++host_.closed_cleanly; }

   private:
    ScriptedHost& host_;
    std::deque<FrameRead> script_;
    std::size_t index_;
  };

  ConnectFunction connector() {
    return [this]() -> std::unique_ptr<FrameConnection> {
      REQUIRE_FALSE(scripts.empty());
      auto script = std::move(scripts.front());
      scripts.pop_front();
      if (!script)
        throw CommandError(ExitCode::unreachable,
                           "cannot reach agenthost at http://x:1: connection refused");
      return std::make_unique<Connection>(*this, std::move(*script));
    };
  }
};

struct Run {
  ScriptedHost host;
  std::ostringstream out, err;
  std::vector<int> pauses;

  RunFollower follower(bool json = false) {
    return RunFollower(host.connector(), out, err,
                       FollowSettings{json, 3, [this](int attempt) { pauses.push_back(attempt); }});
  }
};

const json::object kStartFrame{{"type", "start_run"},
                               {"request_id", "agentctl-start-1"},
                               {"agent", "echo"},
                               {"input", json::object{{"text", "hi"}}}};

}  // namespace

TEST_CASE("start sends start_run then prints each event and the result and exits 0",
          "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(kAccepted), frame(event(1, "agent_started", R"({"message":"Agent started"})")),
      frame(event(2, "agent_thinking", R"({"thought":"echoing","step":1})")),
      frame(event(3, "progress_update", R"({"progress_percentage":50,"current_step":"half"})")),
      frame(kCompleted)});
  CHECK(run.follower().start(kStartFrame, "echo") == ExitCode::ok);
  REQUIRE(run.host.sent.size() == 1);
  REQUIRE(run.host.sent[0].size() == 1);
  CHECK(run.host.sent[0][0] == kStartFrame);
  CHECK(run.out.str() ==
        "run r1 accepted (agent echo, thread t1)\n"
        "06:20:47.125  #1    agent_started    Agent started\n"
        "06:20:47.125  #2    agent_thinking   echoing (step 1)\n"
        "06:20:47.125  #3    progress_update  50% half\n"
        "06:20:47.125  #4    agent_completed  result {\"text\":\"hi\"}\n"
        "result: {\"text\":\"hi\"}\n");
  CHECK(run.err.str().empty());
  CHECK(run.host.closed_cleanly == 1);
}

TEST_CASE("in JSON mode every frame is printed exactly as received one per line",
          "[agentctl][follower]") {
  Run run;
  const auto started = event(1, "agent_started");
  run.host.scripts.push_back(
      std::deque<FrameRead>{frame(kAccepted), frame(started), frame(kCompleted)});
  CHECK(run.follower(true).start(kStartFrame, "echo") == ExitCode::ok);
  CHECK(run.out.str() == kAccepted + "\n" + started + "\n" + kCompleted + "\n");
}

TEST_CASE("agent_error and agent_death end the run with exit 1 and the reason",
          "[agentctl][follower]") {
  {
    Run run;
    run.host.scripts.push_back(std::deque<FrameRead>{
        frame(kAccepted),
        frame(event(
            1, "agent_error",
            R"({"error_type":"agent_exception","error_message":"boom","recoverable":false})"))});
    CHECK(run.follower().start(kStartFrame, "echo") == ExitCode::failed);
    CHECK_THAT(run.out.str(), Catch::EndsWith("failed: agent_exception: boom\n"));
  }
  {
    Run run;
    run.host.scripts.push_back(std::deque<FrameRead>{
        frame(kAccepted),
        frame(event(
            1, "agent_death",
            R"({"death_cause":"cancelled","message":"Run cancelled","recovery_action":"none"})"))});
    CHECK(run.follower().start(kStartFrame, "echo") == ExitCode::failed);
    CHECK_THAT(run.out.str(), Catch::EndsWith("died (cancelled): Run cancelled; next: none\n"));
  }
}

TEST_CASE("a refused start_run is a one-line failure with the host's message",
          "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{frame(
      R"({"type":"error","request_id":"agentctl-start-1","code":"unknown_agent","message":"no agent named \"ech\""})")});
  try {
    run.follower().start(kStartFrame, "ech");
    FAIL("no error");
  } catch (const CommandError& e) {
    CHECK(e.exit_code() == ExitCode::failed);
    CHECK(std::string(e.what()) == "no agent named \"ech\" (unknown_agent)");
  }
}

TEST_CASE("a connection lost before run_accepted is not resumed: the run id is unknown",
          "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{
      closed("the host closed the connection (1009: a frame was larger than the host accepts)")});
  try {
    run.follower().start(kStartFrame, "echo");
    FAIL("no error");
  } catch (const CommandError& e) {
    CHECK(e.exit_code() == ExitCode::unreachable);
    CHECK_THAT(e.what(), Catch::Contains("before the run was accepted") && Catch::Contains("1009"));
  }
  CHECK(run.host.scripts.empty());
}

TEST_CASE(
    "a lost connection resumes with subscribe after the last seq - nothing lost or shown twice",
    "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(kAccepted), frame(event(1, "agent_started")),
      frame(event(2, "agent_thinking", R"({"thought":"a"})")),
      closed("the host closed the connection (1013: this client read too slowly)")});
  run.host.scripts.push_back(std::nullopt);  // the first attempt finds nobody
  // The host replays from seq 3, plus (defensively) an old event that must not repeat.
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(event(2, "agent_thinking", R"({"thought":"a"})")),
      frame(event(3, "agent_thinking", R"({"thought":"b"})")), frame(kCompleted)});
  CHECK(run.follower().start(kStartFrame, "echo") == ExitCode::ok);

  REQUIRE(run.host.sent.size() == 2);
  REQUIRE(run.host.sent[1].size() == 1);
  const auto& subscribe = run.host.sent[1][0];
  CHECK(subscribe.at("type") == "subscribe");
  CHECK(subscribe.at("run_id") == "r1");
  CHECK(subscribe.at("after") == 2);
  CHECK(subscribe.contains("request_id"));

  const auto out = run.out.str();
  CHECK(out ==
        "run r1 accepted (agent echo, thread t1)\n"
        "06:20:47.125  #1    agent_started\n"
        "06:20:47.125  #2    agent_thinking   a\n"
        "06:20:47.125  #3    agent_thinking   b\n"
        "06:20:47.125  #4    agent_completed  result {\"text\":\"hi\"}\n"
        "result: {\"text\":\"hi\"}\n");
  CHECK(run.pauses == std::vector<int>{1, 2});
  CHECK_THAT(run.err.str(),
             Catch::Contains("connection lost (the host closed the connection (1013") &&
                 Catch::Contains("resuming run r1 after seq 2 (attempt 1 of 3)") &&
                 Catch::Contains("(attempt 2 of 3)"));
}

TEST_CASE("resuming gives up after max_reconnects and says how to resume by hand",
          "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(kAccepted), frame(event(1, "agent_started")), closed("connection reset by the host")});
  for (int i = 0; i < 3; ++i) run.host.scripts.push_back(std::nullopt);
  try {
    run.follower().start(kStartFrame, "echo");
    FAIL("no error");
  } catch (const CommandError& e) {
    CHECK(e.exit_code() == ExitCode::unreachable);
    CHECK_THAT(e.what(), Catch::Contains("could not resume run r1") &&
                             Catch::Contains("connection refused") &&
                             Catch::Contains("agentctl events r1 --after 1 --follow"));
  }
  CHECK(run.pauses == std::vector<int>{1, 2, 3});
}

TEST_CASE("follow subscribes after N and shows only that run's later events",
          "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(event(6, "agent_thinking", R"({"thought":"x"})", "other-run")),  // not ours: skipped
      frame(event(6, "agent_thinking", R"({"thought":"late"})")),
      frame(event(7, "agent_death", R"({"death_cause":"timeout","message":"too slow"})"))});
  CHECK(run.follower().follow("r1", 5) == ExitCode::failed);
  REQUIRE(run.host.sent.size() == 1);
  CHECK(run.host.sent[0][0].at("after") == 5);
  CHECK(run.out.str() ==
        "06:20:47.125  #6    agent_thinking   late\n"
        "06:20:47.125  #7    agent_death      timeout: too slow\n"
        "died (timeout): too slow\n");
}

TEST_CASE("follow of a run that is not the caller's fails with not_found", "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{frame(
      R"({"type":"error","request_id":"agentctl-subscribe-1","code":"not_found","message":"run r1 not found"})")});
  CHECK_THROWS_WITH(run.follower().follow("r1", 0), "run r1 not found (not_found)");
}

TEST_CASE("an interrupt stops watching and says how to pick the run up again",
          "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{frame(kAccepted),
                                                   frame(event(1, "agent_started")),
                                                   FrameRead{FrameRead::Kind::interrupted, {}}});
  try {
    run.follower().start(kStartFrame, "echo");
    FAIL("no error");
  } catch (const CommandError& e) {
    CHECK(e.exit_code() == ExitCode::interrupted);
    CHECK_THAT(e.what(), Catch::Contains("run r1 goes on") &&
                             Catch::Contains("agentctl events r1 --after 1 --follow") &&
                             Catch::Contains("agentctl cancel r1"));
  }
}

TEST_CASE("a frame that is not JSON is a protocol failure rather than a crash",
          "[agentctl][follower]") {
  Run run;
  run.host.scripts.push_back(std::deque<FrameRead>{frame(kAccepted), frame("not json")});
  try {
    run.follower().start(kStartFrame, "echo");
    FAIL("no error");
  } catch (const CommandError& e) {
    CHECK(e.exit_code() == ExitCode::unreachable);
    CHECK_THAT(e.what(), Catch::Contains("not a JSON object: 'not json'"));
  }
}

TEST_CASE("a question is answered with resume_run - a refused answer is asked again",
          "[agentctl][follower]") {
  Run run;
  const auto asked =
      event(2, "input_required",
            R"({"question_id":"q1","prompt":"approve?","schema":{"type":"boolean"}})");
  const std::string refused =
      R"({"type":"error","request_id":"agentctl-answer-1","code":"invalid_field","message":"input does not fit"})";
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(kAccepted), frame(event(1, "agent_started")), frame(asked), frame(refused),
      frame(event(3, "input_received", R"({"question_id":"q1","input":true})")),
      frame(kCompleted)});
  std::vector<json::object> questions;
  std::deque<json::value> answers{json::value("wrong"), json::value(true)};
  auto settings = FollowSettings{false, 3, [](int) {}};
  settings.answer_question = [&](const json::object& question) -> std::optional<json::value> {
    questions.push_back(question);
    auto next = answers.front();
    answers.pop_front();
    return next;
  };
  RunFollower follower(run.host.connector(), run.out, run.err, std::move(settings));
  CHECK(follower.start(kStartFrame, "echo") == ExitCode::ok);
  REQUIRE(questions.size() == 2);
  CHECK(questions[0].at("question_id") == "q1");
  REQUIRE(run.host.sent[0].size() == 3);
  CHECK(run.host.sent[0][1] == json::object{{"type", "resume_run"},
                                            {"request_id", "agentctl-answer-1"},
                                            {"run_id", "r1"},
                                            {"input", "wrong"}});
  CHECK(run.host.sent[0][2].at("input") == true);
  CHECK(run.host.sent[0][2].at("request_id") == "agentctl-answer-2");
  CHECK_THAT(run.err.str(), Catch::Contains("the answer was not accepted"));
  CHECK_THAT(run.out.str(), Catch::Contains("input_required   approve?"));
}

TEST_CASE("an answer not yet confirmed is sent again after a reconnect", "[agentctl][follower]") {
  Run run;
  const auto asked = event(2, "input_required", R"({"question_id":"q1","prompt":"ok?"})");
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(kAccepted), frame(event(1, "agent_started")), frame(asked), closed("reset by peer")});
  run.host.scripts.push_back(std::deque<FrameRead>{
      frame(event(3, "input_received", R"({"question_id":"q1","input":1})")), frame(kCompleted)});
  int asked_count = 0;
  auto settings = FollowSettings{false, 3, [](int) {}};
  settings.answer_question = [&](const json::object&) -> std::optional<json::value> {
    ++asked_count;
    return json::value(1);
  };
  RunFollower follower(run.host.connector(), run.out, run.err, std::move(settings));
  CHECK(follower.start(kStartFrame, "echo") == ExitCode::ok);
  CHECK(asked_count == 1);
  REQUIRE(run.host.sent.size() == 2);
  REQUIRE(run.host.sent[1].size() == 2);  // subscribe, then the answer again
  CHECK(run.host.sent[1][0].at("type") == "subscribe");
  CHECK(run.host.sent[1][1].at("type") == "resume_run");
}
