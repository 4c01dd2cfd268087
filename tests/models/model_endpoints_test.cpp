// ModelEndpoints against the stand-in server (tests/support/fake_model_server.py):
// streaming, tool calls, where retries happen and where they must not, timeouts,
// abort closing the connection, the concurrency cap.

#include <catch2/catch.hpp>

#include <numeric>

#include "model_endpoints_test_support.hpp"
#include "support/fake_model_server.hpp"
#include "support/wait_until.hpp"

namespace agenthost::models::test {
namespace {

using agenthost::ModelError;
using agenthost::testing::FakeModelServer;
using agenthost::testing::wait_until;
using namespace std::chrono_literals;

std::string joined(const std::vector<std::string>& pieces) {
  return std::accumulate(pieces.begin(), pieces.end(), std::string());
}

struct Fixture {
  FakeModelServer server;
  config::ModelsSettings settings{{"default", endpoint_at(server.base_url())}};

  ModelEndpoints make() { return ModelEndpoints(settings); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "a streamed answer arrives in pieces that concatenate to it, with usage",
                 "[models]") {
  ModelEndpoints endpoints(settings);
  const std::string answer = "The sky is blue because of Rayleigh scattering. \xc3\xa9t\xc3\xa9.";
  const auto end = call(endpoints, "default", chat_body("why? [[answer=" + answer + ";chunk=3]]"));
  INFO(end.error);
  REQUIRE(end.completion);
  CHECK(end.completion->text == answer);
  CHECK(joined(end.pieces) == answer);
  CHECK(end.pieces.size() > 5);
  CHECK(end.completion->finish_reason == "stop");
  REQUIRE(end.completion->usage);
  CHECK(end.completion->usage->prompt_tokens > 0);
  CHECK(end.completion->usage->completion_tokens > 0);
  const auto sent = server.requests().back().as_object();
  CHECK(sent.at("body").at("model") == "stand-in");
  CHECK(sent.at("headers").as_object().if_contains("Authorization") == nullptr);
}

TEST_CASE_METHOD(Fixture, "the api key and extra headers are sent", "[models]") {
  settings["default"].api_key = "sk-test-123";
  settings["default"].headers["OpenAI-Organization"] = "org-7";
  ModelEndpoints endpoints(settings);
  REQUIRE(call(endpoints, "default", chat_body("hi")).completion);
  const auto headers = server.requests().back().at("headers").as_object();
  CHECK(headers.at("Authorization") == "Bearer sk-test-123");
  CHECK(headers.at("OpenAI-Organization") == "org-7");
}

TEST_CASE_METHOD(Fixture, "streamed tool calls are assembled from their fragments", "[models]") {
  ModelEndpoints endpoints(settings);
  const auto end =
      call(endpoints, "default",
           chat_body(R"([[tool=clock.now@{"zone":"UTC"};tool=echo.say@{"text":"hi"}]])"));
  REQUIRE(end.completion);
  CHECK(end.completion->finish_reason == "tool_calls");
  const auto& calls = end.completion->tool_calls;
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].at("function").at("name") == "clock.now");
  CHECK(calls[0].at("function").at("arguments") == R"({"zone":"UTC"})");
  CHECK(calls[0].at("id") == "call_0");
  CHECK(calls[1].at("function").at("name") == "echo.say");
}

TEST_CASE_METHOD(Fixture, "429 is retried after its Retry-After", "[models]") {
  ModelEndpoints endpoints(settings);
  const auto end = call(endpoints, "default", chat_body("[[fail429=1;retry_after=1]]"));
  INFO(end.error);
  REQUIRE(end.completion);
  CHECK(end.took >= 1000ms);
  CHECK(server.stat("requests") == 2);
  CHECK(endpoints.counters().front().retries == 1);
}

TEST_CASE_METHOD(Fixture, "a Retry-After beyond retry_backoff_max fails the call at once",
                 "[models]") {
  ModelEndpoints endpoints(settings);
  const auto end = call(endpoints, "default", chat_body("[[fail429=1;retry_after=60]]"));
  REQUIRE_FALSE(end.completion);
  CHECK(end.error_kind == ModelError::Kind::upstream);
  CHECK_THAT(end.error, Catch::Contains("429") && Catch::Contains("Rate limit reached"));
  CHECK(end.took < 5s);
  CHECK(server.stat("requests") == 1);
}

TEST_CASE_METHOD(Fixture, "5xx is retried up to max_retries, then reported", "[models]") {
  ModelEndpoints endpoints(settings);
  SECTION("recovers within the retries") {
    const auto end = call(endpoints, "default", chat_body("[[fail500=2]]"));
    INFO(end.error);
    REQUIRE(end.completion);
    CHECK(server.stat("requests") == 3);
  }
  SECTION("gives up after them") {
    const auto end = call(endpoints, "default", chat_body("[[fail500=5]]"));
    REQUIRE_FALSE(end.completion);
    CHECK_THAT(end.error, Catch::Contains("500") && Catch::Contains("\"default\""));
    CHECK(server.stat("requests") == 3);  // the first attempt and two retries
  }
}

TEST_CASE_METHOD(Fixture, "a 4xx other than 429 is not retried", "[models]") {
  FakeModelServer keyed({"--api-key", "right"});
  settings["default"] = endpoint_at(keyed.base_url());
  settings["default"].api_key = "wrong";
  ModelEndpoints endpoints(settings);
  const auto end = call(endpoints, "default", chat_body("hi"));
  REQUIRE_FALSE(end.completion);
  CHECK_THAT(end.error, Catch::Contains("401") && Catch::Contains("Incorrect API key"));
  CHECK_THAT(end.error, !Catch::Contains("wrong"));
  CHECK(keyed.stat("requests") == 1);
}

TEST_CASE_METHOD(Fixture, "a connection reset before the first byte is retried", "[models]") {
  ModelEndpoints endpoints(settings);
  const auto end = call(endpoints, "default", chat_body("[[reset_before=1]]"));
  INFO(end.error);
  REQUIRE(end.completion);
  CHECK(server.stat("requests") == 2);
}

TEST_CASE_METHOD(Fixture, "nothing is retried once the answer has begun", "[models]") {
  ModelEndpoints endpoints(settings);
  SECTION("a reset mid-stream") {
    const auto end = call(endpoints, "default", chat_body("[[reset_mid;answer=0123456789abcdef]]"));
    REQUIRE_FALSE(end.completion);
    CHECK(end.error_kind == ModelError::Kind::upstream);
    CHECK_THAT(end.error, Catch::Contains("not retried"));
    CHECK_FALSE(end.pieces.empty());  // the first deltas had arrived
  }
  SECTION("malformed server-sent events") {
    const auto end = call(endpoints, "default", chat_body("[[malformed;answer=0123456789abcdef]]"));
    REQUIRE_FALSE(end.completion);
    CHECK(end.error_kind == ModelError::Kind::bad_response);
    CHECK_THAT(end.error, Catch::Contains("not valid JSON"));
  }
  CHECK(server.stat("requests") == 1);
}

TEST_CASE_METHOD(Fixture, "a slow first byte times out and the connection is closed", "[models]") {
  settings["default"].first_byte_timeout = 300ms;
  ModelEndpoints endpoints(settings);
  const auto end = call(endpoints, "default", chat_body("[[first_byte_ms=10000]]"));
  REQUIRE_FALSE(end.completion);
  CHECK(end.error_kind == ModelError::Kind::timeout);
  CHECK_THAT(end.error, Catch::Contains("first_byte_timeout"));
  CHECK(end.took < 5s);
  CHECK(server.stat("requests") == 1);  // a timeout is not retried
  CHECK(wait_until([&] { return server.stat("client_closed") == 1; }));
}

TEST_CASE_METHOD(Fixture, "a stream that never ends is cut at request_timeout", "[models]") {
  settings["default"].request_timeout = 1s;
  ModelEndpoints endpoints(settings);
  const auto end = call(endpoints, "default", chat_body("[[never_end]]"));
  REQUIRE_FALSE(end.completion);
  CHECK(end.error_kind == ModelError::Kind::timeout);
  CHECK_THAT(end.error, Catch::Contains("request_timeout"));
  CHECK(wait_until([&] { return server.stat("client_closed") == 1; }));
}

TEST_CASE_METHOD(Fixture, "abort mid-stream ends the call at once and closes the connection",
                 "[models]") {
  ModelEndpoints endpoints(settings);
  auto pending = start_call(endpoints, "default", chat_body("[[never_end]]"));
  REQUIRE(wait_until([&] { return server.stat("in_flight") == 1; }));
  const auto aborted_at = std::chrono::steady_clock::now();
  pending.call->abort();
  const auto end = pending.wait();
  CHECK(std::chrono::steady_clock::now() - aborted_at < 500ms);
  CHECK(end.error_kind == ModelError::Kind::stopped);
  CHECK(wait_until([&] { return server.stat("client_closed") == 1; }));
  CHECK(endpoints.counters().front().in_flight == 0);
}

TEST_CASE_METHOD(Fixture, "max_concurrent_requests holds further calls in line", "[models]") {
  settings["default"].max_concurrent_requests = 1;
  ModelEndpoints endpoints(settings);
  auto first = start_call(endpoints, "default", chat_body("[[never_end]]"));
  REQUIRE(wait_until([&] { return server.stat("in_flight") == 1; }));
  auto second = start_call(endpoints, "default", chat_body("second"));
  REQUIRE(wait_until([&] { return endpoints.counters().front().waiting == 1; }));
  CHECK(server.stat("requests") == 1);
  SECTION("the next one starts when the slot is free") {
    first.call->abort();
    CHECK(first.wait().error_kind == ModelError::Kind::stopped);
    const auto end = second.wait();
    CHECK(end.completion);
  }
  SECTION("one waiting in line can be aborted") {
    second.call->abort();
    CHECK(second.wait().error_kind == ModelError::Kind::stopped);
    CHECK(endpoints.counters().front().waiting == 0);
    first.call->abort();
    first.wait();
  }
  CHECK(endpoints.counters().front().in_flight == 0);
}

TEST_CASE_METHOD(Fixture, "a free slot goes to the waiting user with the fewest calls in flight",
                 "[models]") {
  settings["default"].max_concurrent_requests = 1;
  ModelEndpoints endpoints(settings);
  auto alice_first = start_call(endpoints, "default", chat_body("[[never_end]] 1"), "alice");
  REQUIRE(wait_until([&] { return server.stat("in_flight") == 1; }));
  auto alice_second = start_call(endpoints, "default", chat_body("[[never_end]] 2"), "alice");
  REQUIRE(wait_until([&] { return endpoints.counters().front().waiting == 1; }));
  auto bob = start_call(endpoints, "default", chat_body("bob's [[answer=for bob]]"), "bob");
  REQUIRE(wait_until([&] { return endpoints.counters().front().waiting == 2; }));

  alice_first.call->abort();
  // Bob came later, but alice already had a call: bob's goes first.
  const auto end = bob.wait();
  INFO(end.error);
  REQUIRE(end.completion);
  CHECK(end.completion->text == "for bob");
  CHECK(endpoints.counters().front().waiting == 0);  // alice's second has the slot now
  alice_second.call->abort();
  alice_second.wait();
  alice_first.wait();
}

TEST_CASE_METHOD(Fixture, "a non-streamed JSON answer is accepted", "[models]") {
  ModelEndpoints endpoints(settings);
  boost::json::object body{{"model", "m"},
                           {"messages", boost::json::array{{{"role", "user"}, {"content", "hi"}}}}};
  const auto end = call(endpoints, "default", boost::json::serialize(body));
  REQUIRE(end.completion);
  CHECK(end.completion->text == "Hello from the stand-in model.");
  CHECK(end.completion->usage);
}

TEST_CASE("a refused connection is retried, then reported", "[models]") {
  // A port nobody listens on: bind one, note it, close it.
  std::uint16_t port = 0;
  {
    FakeModelServer gone;
    port = gone.port();
  }
  const auto base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  config::ModelsSettings settings{{"default", endpoint_at(base_url)}};
  settings["default"].where = "agenthost.yaml:196:3";
  ModelEndpoints endpoints(settings);
  const auto end = call(endpoints, "default", chat_body("hi"));
  REQUIRE_FALSE(end.completion);
  CHECK_THAT(end.error, Catch::Contains("refused"));
  // It says where it looked and what to configure, and where that is.
  CHECK_THAT(end.error, Catch::Contains("(" + base_url + ")") &&
                            Catch::Contains("set models.default.base_url") &&
                            Catch::Contains("(at agenthost.yaml:196:3)"));
  CHECK(endpoints.counters().front().retries == 2);
}

}  // namespace agenthost::models::test
