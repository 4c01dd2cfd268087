// How events look in a terminal: one line each (time, seq, type, summary) and the
// run's outcome at the end.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "agentctl/event_format.hpp"

using namespace agenthost::agentctl;
namespace json = boost::json;

namespace {

json::object event(std::string_view type, std::uint64_t seq, std::string_view payload_json) {
  return json::object{{"type", type},
                      {"run_id", "r1"},
                      {"thread_id", "t1"},
                      {"agent_name", "echo"},
                      {"seq", seq},
                      {"timestamp", "2026-11-26T06:20:47.125Z"},
                      {"payload", json::parse(payload_json)}};
}

}  // namespace

TEST_CASE("an event line shows the time of day with seq and type and a summary",
          "[agentctl][format]") {
  CHECK(
      format_event_line(event("agent_started", 1,
                              R"({"status":"started","metadata":{},"message":"Agent started"})")) ==
      "06:20:47.125  #1    agent_started    Agent started");
  CHECK(format_event_line(
            event("agent_thinking", 12, R"({"thought":"reading the ticket","step":2})")) ==
        "06:20:47.125  #12   agent_thinking   reading the ticket (step 2)");
  CHECK(format_event_line(event("agent_thinking", 2, R"({"thought":"hm","step":0})")) ==
        "06:20:47.125  #2    agent_thinking   hm");
}

TEST_CASE("payload summaries per event type", "[agentctl][format]") {
  CHECK(
      summarize_payload(
          "progress_update",
          json::parse(R"({"progress_percentage":45,"current_step":"classifying"})").as_object()) ==
      "45% classifying");
  CHECK(summarize_payload(
            "progress_update",
            json::parse(R"({"progress_percentage":12.5,"current_step":""})").as_object()) ==
        "12.5%");
  CHECK(
      summarize_payload(
          "tool_executing",
          json::parse(
              R"({"tool_name":"search","tool_input":{"q":"refund"},"message":"Running tool search"})")
              .as_object()) == R"(search {"q":"refund"})");
  CHECK(summarize_payload(
            "tool_completed",
            json::parse(R"({"tool_name":"search","success":true,"result_summary":"3 hits"})")
                .as_object()) == "search ok 3 hits");
  CHECK(summarize_payload(
            "tool_completed",
            json::parse(R"({"tool_name":"search","success":false,"result_summary":"timeout"})")
                .as_object()) == "search failed timeout");
  CHECK(summarize_payload(
            "agent_completed",
            json::parse(R"({"success":true,"result":{"text":"hi"},"message":"Agent completed"})")
                .as_object()) == R"(result {"text":"hi"})");
  CHECK(summarize_payload(
            "agent_error",
            json::parse(
                R"({"error_type":"agent_exception","error_message":"boom","recoverable":false})")
                .as_object()) == "agent_exception: boom");
  CHECK(summarize_payload(
            "agent_death",
            json::parse(R"({"status":"dead","death_cause":"cancelled","message":"Run cancelled"})")
                .as_object()) == "cancelled: Run cancelled");
  // An agent's own event type: its message, else the payload itself.
  CHECK(summarize_payload(
            "triage.filed",
            json::parse(R"({"message":"filed under billing","category":"billing"})").as_object()) ==
        "filed under billing");
  CHECK(summarize_payload("triage.filed", json::parse(R"({"category":"billing"})").as_object()) ==
        R"({"category":"billing"})");
  CHECK(summarize_payload("custom", json::object{}).empty());
}

TEST_CASE("summaries stay on one line and within the limit", "[agentctl][format]") {
  const auto long_thought = std::string(500, 'x');
  const auto summary = summarize_payload("agent_thinking", json::object{{"thought", long_thought}});
  CHECK(summary.size() == kSummaryBytes);
  CHECK_THAT(summary, Catch::EndsWith("..."));
  CHECK(summarize_payload("agent_thinking", json::object{{"thought", "two\nlines\tand\rmore"}}) ==
        "two lines and more");
  // A multi-byte character at the cut is not split.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";  // e-acute, 2 bytes
  const auto cut = one_line(accents, 10);
  CHECK(cut == "\xC3\xA9\xC3\xA9\xC3\xA9...");
}

TEST_CASE("an event missing fields is still shown and never throws", "[agentctl][format]") {
  CHECK(format_event_line(json::object{{"type", "agent_thinking"}}) ==
        "--:--:--.---  #?    agent_thinking");
  CHECK(format_event_line(json::object{
            {"type", "x"}, {"seq", 3}, {"payload", "not an object"}, {"timestamp", 5}}) ==
        "5             #3    x");
  CHECK(summarize_payload("progress_update",
                          json::parse(R"({"progress_percentage":"lots"})").as_object()) ==
        R"("lots")");
}

TEST_CASE("the outcome line of each terminal event and its exit code", "[agentctl][format]") {
  CHECK(format_outcome(
            event("agent_completed", 4, R"({"success":true,"result":{"text":"hi","n":[1,2]}})")) ==
        R"(result: {"text":"hi","n":[1,2]})");
  CHECK(format_outcome(event(
            "agent_error", 4,
            R"({"error_type":"agent_exception","error_message":"boom","recoverable":true})")) ==
        "failed: agent_exception: boom (the run can be retried)");
  CHECK(format_outcome(event(
            "agent_error", 4,
            R"({"error_type":"invalid_input","error_message":"no text","recoverable":false})")) ==
        "failed: invalid_input: no text");
  CHECK(
      format_outcome(event(
          "agent_death", 4,
          R"({"status":"dead","death_cause":"timeout","message":"Run timed out after 5m","recovery_action":"retry with a smaller request"})")) ==
      "died (timeout): Run timed out after 5m; next: retry with a smaller request");

  CHECK(is_terminal_event("agent_completed"));
  CHECK(is_terminal_event("agent_error"));
  CHECK(is_terminal_event("agent_death"));
  CHECK_FALSE(is_terminal_event("agent_started"));
  CHECK_FALSE(is_terminal_event("tool_completed"));
  CHECK(exit_code_for("agent_completed") == ExitCode::ok);
  CHECK(exit_code_for("agent_error") == ExitCode::failed);
  CHECK(exit_code_for("agent_death") == ExitCode::failed);
}

TEST_CASE("the accepted line names the run with its agent and thread", "[agentctl][format]") {
  const json::object frame{{"type", "run_accepted"},
                           {"request_id", "agentctl-start-1"},
                           {"run_id", "r9"},
                           {"thread_id", "t9"}};
  CHECK(format_accepted(frame, "echo") == "run r9 accepted (agent echo, thread t9)");
}

TEST_CASE("event lines show numbers as people write them", "[agentctl][format]") {
  CHECK(
      format_outcome(event("agent_completed", 4, R"({"success":true,"result":{"score":8E-1}})")) ==
      R"(result: {"score":0.8})");
  CHECK(summarize_payload("my.step", json::parse(R"({"ratio":2.5E-1,"n":2})").as_object()) ==
        R"({"ratio":0.25,"n":2})");
}
