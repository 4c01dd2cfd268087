#include <catch2/catch.hpp>

#include <stdexcept>

#include "agenthost/event_emitter.hpp"
#include "agenthost/execution_context.hpp"
#include "agenthost/tool_dispatcher.hpp"
#include "agenthost/user_input.hpp"
#include "ipc/run_messages.hpp"

namespace ipc = agenthost::ipc;
namespace json = boost::json;

TEST_CASE("a context crosses with every field") {
  agenthost::ContextFields f;
  f.user_id = "alice";
  f.thread_id = "t-0123456789";
  f.run_id = "r-0123456789";
  f.request_id = "q-0123456789";
  f.agent_name = "echo";
  f.metadata = json::object{{"k", "v"}};
  f.limits.run_timeout = std::chrono::milliseconds(1234);
  f.limits.max_waiting_runs = 7;
  const auto context = agenthost::ExecutionContext::create(f);
  const ipc::Frame start{ipc::FrameType::start,
                         json::object{{"context", ipc::context_body(context)}}};
  const auto back = ipc::context_fields(start);
  CHECK(back.user_id == "alice");
  CHECK(back.thread_id == f.thread_id);
  CHECK(back.run_id == f.run_id);
  CHECK(back.request_id == f.request_id);
  CHECK(back.agent_name == "echo");
  CHECK(back.metadata == f.metadata);
  CHECK(back.limits.run_timeout == std::chrono::milliseconds(1234));
  CHECK(back.limits.max_waiting_runs == 7);
  CHECK(back.limits.max_concurrent_runs == f.limits.max_concurrent_runs);
}

TEST_CASE("a context with a field missing or of the wrong type is refused") {
  json::object body{{"user_id", "alice"}};
  const ipc::Frame start{ipc::FrameType::start, json::object{{"context", body}}};
  CHECK_THROWS_AS(ipc::context_fields(start), ipc::FrameError);
  const ipc::Frame no_context{ipc::FrameType::start, json::object{}};
  CHECK_THROWS_WITH(ipc::context_fields(no_context), "frame start: field \"context\" is missing");
}

TEST_CASE("a chat request and its answer cross with every field") {
  agenthost::ChatRequest r;
  r.endpoint = "fast";
  r.messages = {agenthost::chat_message("user", "hi")};
  r.tools = {"testagents.record"};
  r.temperature = 0.25;
  r.max_tokens = 64;
  r.max_steps = 3;
  r.stream_to_user = false;
  r.response_format = json::object{{"type", "json_object"}};
  const auto back = ipc::chat_request(ipc::chat_request_body(r));
  CHECK(back.endpoint == "fast");
  CHECK(back.messages == r.messages);
  CHECK(back.tools == r.tools);
  CHECK(back.temperature == 0.25);
  CHECK(back.max_tokens == 64u);
  CHECK(back.max_steps == 3u);
  CHECK_FALSE(back.stream_to_user);
  CHECK(back.response_format == r.response_format);

  agenthost::ChatResult a;
  a.text = "hello";
  a.finish_reason = "stop";
  a.usage = {11, 22, true};
  a.model_calls = 2;
  a.messages = r.messages;
  const auto answer = ipc::chat_result(ipc::chat_result_body(a));
  CHECK(answer.text == "hello");
  CHECK(answer.finish_reason == "stop");
  CHECK(answer.usage.prompt_tokens == 11);
  CHECK(answer.usage.completion_tokens == 22);
  CHECK(answer.usage.estimated);
  CHECK(answer.model_calls == 2);
  CHECK(answer.messages == a.messages);
}

namespace {

template <class Thrown>
void round_trip(Thrown thrown) {
  ipc::Frame reply;
  try {
    throw thrown;
  } catch (...) {
    reply = ipc::reply_error("r", 9, std::current_exception());
  }
  CHECK(ipc::uint_field(reply, "call") == 9);
  try {
    ipc::reply_result(reply);
    FAIL("no exception");
  } catch (const Thrown& e) {
    CHECK(std::string(e.what()) == thrown.what());
  }
}

}  // namespace

TEST_CASE("a call's exception comes back as the same SDK type and message") {
  round_trip(agenthost::RunEnded("ended"));
  round_trip(agenthost::InputAbandoned("abandoned"));
  round_trip(agenthost::ToolError("no such tool"));
  round_trip(std::invalid_argument("bad schema"));
  round_trip(std::runtime_error("too many waiting"));
  ipc::Frame reply;
  try {
    throw agenthost::ModelError(agenthost::ModelError::Kind::budget_exceeded, "over budget");
  } catch (...) {
    reply = ipc::reply_error("r", 1, std::current_exception());
  }
  try {
    ipc::reply_result(reply);
    FAIL("no exception");
  } catch (const agenthost::ModelError& e) {
    CHECK(e.kind() == agenthost::ModelError::Kind::budget_exceeded);
    CHECK(std::string(e.what()) == "over budget");
  }
  CHECK(ipc::reply_result(ipc::reply_value("r", 1, json::value(42))) == json::value(42));
}
