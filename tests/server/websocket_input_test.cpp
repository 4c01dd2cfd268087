// Every kind of bad input on a real WebSocket gets an error frame naming the
// problem, and the connection stays open.

#include <catch2/catch.hpp>

#include "server/ws_helpers.hpp"

using namespace agenthost::server::test;

TEST_CASE("bad frames get error frames naming the problem - the connection stays open") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  struct Case {
    std::string frame;
    std::string code;
    std::string names;
  };
  const std::vector<Case> cases{
      {"not json", "invalid_json", "not valid JSON"},
      {"", "invalid_json", "not valid JSON"},
      {"[1,2,3]", "invalid_json", "JSON object"},
      {"42", "invalid_json", "JSON object"},
      {"{}", "missing_field", "\"type\""},
      {R"({"type":17})", "invalid_field", "\"type\" must be a string"},
      {R"({"type":"launch"})", "unknown_type", "\"launch\""},
      {R"({"type":"start_run","agent":"echo","input":1})", "missing_field", "\"request_id\""},
      {R"({"type":"start_run","request_id":"default","agent":"echo","input":1})", "invalid_field",
       "\"request_id\" is a placeholder"},
      {R"({"type":"start_run","request_id":"r1","input":1})", "missing_field", "\"agent\""},
      {R"({"type":"start_run","request_id":"r1","agent":["echo"],"input":1})", "invalid_field",
       "\"agent\" must be a string"},
      {R"({"type":"start_run","request_id":"r1","agent":"echo"})", "missing_field", "\"input\""},
      {R"({"type":"start_run","request_id":"r1","agent":"echo","input":1,"thread_id":"undefined"})",
       "invalid_field", "\"thread_id\" is a placeholder"},
      {R"({"type":"start_run","request_id":"r1","agent":"echo","input":1,"thread_id":{}})",
       "invalid_field", "\"thread_id\" must be a string"},
      {R"({"type":"start_run","request_id":"r1","agent":"echo","input":1,"multitask_strategy":1})",
       "invalid_field", "\"multitask_strategy\""},
      {R"({"type":"start_run","request_id":"r1","agent":"echo","input":1,"metadata":3})",
       "invalid_field", "\"metadata\" must be an object"},
      {R"({"type":"start_run","request_id":"r1","agent":"echo","input":1,"user_id":"bob"})",
       "unknown_field", "\"user_id\""},
      {R"({"type":"cancel_run"})", "missing_field", "\"run_id\""},
      {R"({"type":"cancel_run","run_id":true})", "invalid_field", "\"run_id\" must be a string"},
      {R"({"type":"cancel_run","run_id":"example"})", "invalid_field",
       "\"run_id\" is a placeholder"},
      {R"({"type":"subscribe"})", "missing_field", "\"run_id\""},
      {R"({"type":"subscribe","run_id":"r1","after":-3})", "invalid_field", "\"after\""},
      {R"({"type":"subscribe","run_id":"r1","after":"3"})", "invalid_field", "\"after\""},
      {R"({"type":"subscribe","run_id":"r1","after":2.5})", "invalid_field", "\"after\""},
      {R"({"type":"subscribe","run_id":"a b"})", "invalid_field", "\"run_id\" contains"},
      {R"({"type":"ping","seq":1})", "unknown_field", "\"seq\""},
  };
  for (const auto& c : cases) {
    INFO(c.frame);
    ws->send_text(c.frame);
    auto r = ws->read();
    REQUIRE(r.type() == "error");
    CHECK(str(r.message.at("code")) == c.code);
    CHECK_THAT(std::string(r.message.at("message").as_string()), Catch::Contains(c.names));
  }
  ws->send_binary("\x01\x02\x03");
  auto binary = ws->read();
  CHECK(binary.type() == "error");
  CHECK(binary.message.at("code") == "invalid_json");

  // An unknown run is a not_found error; the ids are valid.
  ws->send({{"type", "subscribe"}, {"run_id", "run-that-does-not-exist"}});
  CHECK(ws->read().message.at("code") == "not_found");

  // Still open and working after all of it.
  const auto run = start_run_ws(*ws, "echo", {{"text", "still here"}}, "after-errors");
  const auto frames =
      ws->read_until([&](const boost::json::object& f) { return is_terminal_of(f, run); });
  check_consecutive(frames, run, 0);
}
