// The socket-free parts of the model gateway: SSE parsing, assembling an answer,
// coalescing deltas, retry delays.

#include <catch2/catch.hpp>

#include <thread>

#include "models/completion_assembler.hpp"
#include "models/delta_coalescer.hpp"
#include "models/retry_policy.hpp"
#include "models/sse_parser.hpp"

namespace agenthost::models {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> parse_all(const std::vector<std::string>& chunks) {
  std::vector<std::string> events;
  SseParser parser([&](std::string_view data) { events.emplace_back(data); });
  for (const auto& c : chunks) parser.feed(c);
  return events;
}

}  // namespace

TEST_CASE("SSE: events split anywhere, any line end, comments and other fields ignored",
          "[models][sse]") {
  const std::string stream =
      ": comment\r\nevent: x\r\ndata: {\"a\":1}\r\n\r\ndata:two\ndata: lines\n\nid: 3\n\ndata: "
      "[DONE]\r\r";
  const std::vector<std::string> expected{"{\"a\":1}", "two\nlines", "[DONE]"};
  CHECK(parse_all({stream}) == expected);
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  CHECK(parse_all(bytes) == expected);
}

TEST_CASE("SSE: an endless line is refused", "[models][sse]") {
  SseParser parser([](std::string_view) {}, 16);
  CHECK_THROWS_WITH(parser.feed(std::string(17, 'x')), Catch::Contains("longer than 16 bytes"));
}

TEST_CASE("assembler: text, tool-call fragments, finish reason and usage", "[models]") {
  std::string seen;
  CompletionAssembler a([&](std::string_view t) { seen += t; });
  a.add_event(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]})");
  a.add_event(R"({"choices":[{"index":0,"delta":{"content":"lo"}}]})");
  a.add_event(
      R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"t","arguments":"{\"x\""}}]}}]})");
  a.add_event(
      R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]})");
  a.add_event(R"({"choices":[{"delta":{},"finish_reason":"tool_calls"}]})");
  a.add_event(R"({"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3}})");
  a.add_event("[DONE]");
  CHECK(a.done());
  const auto c = a.take();
  CHECK(seen == "Hello");
  CHECK(c.text == "Hello");
  CHECK(c.finish_reason == "tool_calls");
  REQUIRE(c.tool_calls.size() == 1);
  CHECK(c.tool_calls[0].at("function").at("arguments") == "{\"x\":1}");
  REQUIRE(c.usage);
  CHECK(c.usage->prompt_tokens == 7);
  CHECK(c.usage->completion_tokens == 3);
  CHECK_FALSE(c.usage->estimated);
}

TEST_CASE("assembler: what is not a chunk is a bad response", "[models]") {
  CompletionAssembler a(nullptr);
  CHECK_THROWS_WITH(a.add_event("{oops"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(a.add_event("[1]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(a.add_event(R"({"error":{"message":"overloaded"}})"),
                    Catch::Contains("overloaded"));
}

TEST_CASE("coalescer: first piece at once, then joined, never past the byte cap", "[models]") {
  std::vector<std::string> sent;
  DeltaCoalescer c([&](std::string t) { sent.push_back(std::move(t)); }, 1h, 10);
  c.add("a");
  CHECK(sent == std::vector<std::string>{"a"});
  c.add("bc");
  c.add("de");
  CHECK(sent.size() == 1);    // held: the interval has not passed
  c.add("fghij\xc3\xa9xyz");  // over 10 bytes: sent, cut on a character boundary
  c.flush();
  std::string all;
  for (const auto& s : sent) {
    CHECK(s.size() <= 10);
    all += s;
  }
  CHECK(all == "abcdefghij\xc3\xa9xyz");
  CHECK(sent[1] == "bcdefghij");
}

TEST_CASE("coalescer: a piece after the interval goes out at once", "[models]") {
  std::vector<std::string> sent;
  DeltaCoalescer c([&](std::string t) { sent.push_back(std::move(t)); }, 1ms, 900);
  c.add("a");
  std::this_thread::sleep_for(2ms);  // the interval itself is what is tested
  c.add("b");
  CHECK(sent == std::vector<std::string>{"a", "b"});
}

TEST_CASE("retry delays: doubling, cap, jitter, Retry-After", "[models]") {
  CHECK(retry_delay(0, 100ms, 10s, 1.0, std::nullopt) == 100ms);
  CHECK(retry_delay(3, 100ms, 10s, 1.0, std::nullopt) == 800ms);
  CHECK(retry_delay(20, 100ms, 1s, 1.0, std::nullopt) == 1s);
  CHECK(retry_delay(1, 100ms, 10s, 0.5, std::nullopt) == 100ms);
  CHECK(retry_delay(0, 100ms, 10s, 1.0, 2s) == 2s);
  CHECK(parse_retry_after(" 3 ") == std::chrono::milliseconds(3000));
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
  CHECK_FALSE(parse_retry_after(""));
}

}  // namespace agenthost::models
