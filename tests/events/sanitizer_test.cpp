#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <string>

#include "event_test_support.hpp"
#include "events/sanitizer.hpp"

namespace ev = agenthost::events;
namespace json = boost::json;

namespace {

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

json::object sanitize(std::string_view text, const ev::SanitizerLimits& limits = {}) {
  return ev::sanitize_payload(parse(text), limits);
}

}  // namespace

TEST_CASE("secret-looking members are redacted at every depth", "[sanitizer]") {
  const auto out = sanitize(R"({
    "password": "hunter2", "api_key": {"nested": "object"}, "keyword": "weather",
    "config": {"db": {"user": "bob", "Password": "pw", "hosts": [{"auth_header": "Bearer x"}]}},
    "tokens_used": 512, "access_token": "abc", "promptTokenCount": 12, "id_token": true,
    "token": {"value": "xyz"}
  })");
  CHECK(ev::test::text(out.at("password")) == ev::kRedacted);
  CHECK(ev::test::text(out.at("api_key")) == ev::kRedacted);  // the whole value, even an object
  CHECK(out.at("keyword") == "weather");
  const auto& db = out.at("config").at("db").as_object();
  CHECK(db.at("user") == "bob");
  CHECK(ev::test::text(db.at("Password")) == ev::kRedacted);
  CHECK(ev::test::text(db.at("hosts").at(0).at("auth_header")) == ev::kRedacted);
  CHECK(out.at("tokens_used") == 512);
  CHECK(ev::test::text(out.at("access_token")) == ev::kRedacted);
  CHECK(out.at("promptTokenCount") == 12);  // a count under a token key stays
  CHECK(out.at("id_token") == true);
  CHECK(ev::test::text(out.at("token")) == ev::kRedacted);  // anything but a number or flag goes
}

TEST_CASE("internal members are dropped at every depth", "[sanitizer]") {
  const auto out = sanitize(R"({
    "_internal": 1, "debug_info": {"x": 1}, "System_Context": "you are", "raw_response": "...",
    "result": {"answer": 42, "raw_response": "full", "list": [{"debug_info": 2, "ok": true}]}
  })");
  CHECK(out == parse(R"({"result": {"answer": 42, "list": [{"ok": true}]}})"));
}

TEST_CASE("long strings are cut with a marker, on a UTF-8 boundary", "[sanitizer]") {
  ev::SanitizerLimits limits;
  limits.max_string = 5;
  json::object in{{"short", "12345"}, {"long", "123456789"}, {"utf8", "ab\xc3\xa9\xc3\xa9"}};
  const auto out = ev::sanitize_payload(in, limits);
  CHECK(out.at("short") == "12345");
  CHECK(out.at("long") == "12345...(truncated)");
  // "ab" + e-acute (2 bytes) + e-acute: byte 5 is inside the second e-acute.
  CHECK(out.at("utf8") == "ab\xc3\xa9...(truncated)");

  CHECK(ev::truncate_utf8("abc", 3) == "abc");
  CHECK(ev::truncate_utf8("abcd", 3) == "abc...(truncated)");
  CHECK(ev::truncate_utf8("\xe2\x82\xac", 2) == "...(truncated)");  // euro sign, 3 bytes
}

TEST_CASE("long keys are cut, after the secret check on the whole key", "[sanitizer]") {
  ev::SanitizerLimits limits;
  limits.max_key = 8;
  json::object in{{"abcdefghij", 1}, {"aaaaaaaaaa_password", "pw"}};
  const auto out = ev::sanitize_payload(in, limits);
  CHECK(out.at("abcdefgh...(truncated)") == 1);
  CHECK(ev::test::text(out.at("aaaaaaaa...(truncated)")) == ev::kRedacted);
}

TEST_CASE("long lists keep max_list items and a marker element", "[sanitizer]") {
  const auto out =
      sanitize(R"({"items": [1,2,3,4,5,6,7,8,9,10,11,12], "ten": [1,2,3,4,5,6,7,8,9,10],
                              "nested": {"deep": [[1,2,3,4,5,6,7,8,9,10,11]]}})");
  CHECK(out.at("items") == json::parse(R"j([1,2,3,4,5,6,7,8,9,10,"...(truncated)"])j"));
  CHECK(out.at("ten").as_array().size() == 10);
  CHECK(out.at("nested").at("deep").at(0).as_array().size() == 11);
  CHECK(out.at("nested").at("deep").at(0).at(10) == "...(truncated)");
}

TEST_CASE("objects keep max_members members and count the rest", "[sanitizer]") {
  ev::SanitizerLimits limits;
  limits.max_members = 3;
  const auto out = sanitize(R"({"a":1,"b":2,"c":3,"d":4,"e":5})", limits);
  CHECK(out.size() == 4);
  CHECK(out.at("a") == 1);
  CHECK(out.at("c") == 3);
  CHECK_FALSE(out.contains("d"));
  CHECK(out.at("...(truncated)") == 2);
}

TEST_CASE("values nested deeper than max_depth are replaced", "[sanitizer]") {
  ev::SanitizerLimits limits;
  limits.max_depth = 3;
  const auto out = sanitize(R"({"l1": {"l2": {"l3": {"l4": 1}, "x": 2}}, "a": [[["deep"]]],
                                "s": "top"})",
                            limits);
  // l3's object is at depth 3 and kept; its member l4 would be at depth 4.
  CHECK(out.at("l1").at("l2").at("l3") == json::object{{"l4", ev::kTooDeepMarker}});
  CHECK(out.at("l1").at("l2").at("x") == 2);
  // (parsed: nested braces of one json::array would be a copy, not a nesting)
  CHECK(out.at("a") == json::parse(R"([[["[TRUNCATED: too deep]"]]])"));
  CHECK(out.at("s") == "top");

  // A payload far deeper than any limit (built in code, not parsed) ends in a marker
  // instead of a deep recursion.
  json::value deep = "bottom";
  for (int i = 0; i < 2'000; ++i) {
    json::object wrapper;
    wrapper["d"] = std::move(deep);
    deep = std::move(wrapper);
  }
  const auto cut = ev::sanitize_payload(json::object{{"root", std::move(deep)}});
  const json::value* at = &cut.at("root");  // depth 1
  for (int depth = 2; depth <= 16; ++depth) at = &at->at("d");
  CHECK(at->is_object());  // depth 16: the deepest kept
  CHECK(ev::test::text(at->at("d")) == ev::kTooDeepMarker);
}

TEST_CASE("a payload never holds more than max_values values", "[sanitizer]") {
  ev::SanitizerLimits limits;
  limits.max_values = 5;
  const auto out = sanitize(R"({"a": [1, 2, 3], "b": {"x": 1, "y": 2}, "c": 3})", limits);
  // a, 1, 2, 3, b: five values; b's members and c are left out and counted.
  CHECK(out.at("a") == json::parse("[1, 2, 3]"));
  CHECK(out.at("b") == json::object{{"...(truncated)", 2}});
  CHECK(out.at("...(truncated)") == 1);
  CHECK_FALSE(out.contains("c"));

  // Wide and deep at once: the output stays small.
  json::array wide;
  for (int i = 0; i < 10; ++i) {
    json::object row;
    for (int j = 0; j < 100; ++j) row["k" + std::to_string(j)] = json::array{1, 2, 3, 4, 5, 6};
    wide.push_back(std::move(row));
  }
  const auto big = ev::sanitize_payload(json::object{{"rows", std::move(wide)}});
  CHECK(json::serialize(big).size() < 40'000);
}

TEST_CASE("error_message fields lose their paths and are cut at 300 bytes", "[sanitizer]") {
  const std::string long_tail(400, 'x');
  json::object in{{"error_type", "IOError"},
                  {"error_message", "cannot open /home/alice/src/agent/main.cpp: denied"},
                  {"context", {{"error_message", "at /srv/app/x.py " + long_tail}}},
                  {"message", "/home/alice/notes/plan.txt stays in other fields"}};
  const auto out = ev::sanitize_payload(in);
  CHECK(out.at("error_type") == "IOError");
  CHECK(out.at("error_message") == "cannot open <path>/main.cpp: denied");
  const auto nested = std::string(out.at("context").at("error_message").as_string());
  CHECK(nested.starts_with("at <path>/x.py xxx"));
  CHECK(nested.size() == 300 + ev::kTruncatedMarker.size());
  CHECK(nested.ends_with("...(truncated)"));
  CHECK(out.at("message") == "/home/alice/notes/plan.txt stays in other fields");
}

TEST_CASE("scalars and the order of members are kept", "[sanitizer]") {
  const auto text = R"({"thought":"x","step":1,"ratio":0.5,"done":false,"none":null,"n":-3})";
  const auto out = sanitize(text);
  CHECK(json::serialize(out) == json::serialize(parse(text)));
}

TEST_CASE("limits of 0 are refused by name", "[sanitizer]") {
  ev::SanitizerLimits limits;
  CHECK_NOTHROW(ev::check_limits(limits));
  limits.max_depth = 0;
  CHECK_THROWS_WITH(ev::check_limits(limits), Catch::Contains("max_depth"));
}
