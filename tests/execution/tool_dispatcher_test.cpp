// ToolDispatcherImpl: registry lookup, schema check, tool events to the run's user
// only, a tool's exception as ToolError, refusal after the run ended.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <stdexcept>

#include "context/context_factory.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/tool_dispatcher_impl.hpp"
#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;

namespace {

ExecutionContext context_of(const std::string& user) {
  return context::make_run_context({user, "thread-tools", "toolcaller", {}, {}, {}, nullptr});
}

}  // namespace

TEST_CASE("a tool call runs the plugin's tool with the run's context and emits two events") {
  TestHost host("sqlite3");
  auto ctx = context_of("user-alice");
  auto other = context_of("user-bob");
  EventJournal alice_events, bob_events;
  auto alice_sink = std::make_shared<JournalSink>(alice_events);
  auto bob_sink = std::make_shared<JournalSink>(bob_events);
  auto alice_sub = host.router.subscribe(ctx.user_id(), ctx.run_id(), alice_sink);
  // Bob subscribes to Alice's run id: he must get nothing.
  auto bob_sub = host.router.subscribe(other.user_id(), ctx.run_id(), bob_sink);

  events::UserEventEmitter emitter(ctx, *host.log, host.router);
  ToolDispatcherImpl tools(host.registry, ctx, emitter);
  auto result = tools.call("testagents.record", boost::json::object{{"q", "weather"}});
  CHECK(result.at("run_id") == ctx.run_id().c_str());
  CHECK(result.at("user_id") == "user-alice");
  CHECK(result.at("input").at("q") == "weather");
  CHECK(tools.executed_calls() == 1);

  host.log->flush();  // delivered once stored
  const auto seen = alice_events.all();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0]->type == "tool_executing");
  CHECK(seen[0]->payload.at("tool_name") == "testagents.record");
  CHECK(seen[0]->payload.at("tool_input").at("q") == "weather");
  CHECK(seen[1]->type == "tool_completed");
  CHECK(seen[1]->payload.at("success") == true);
  CHECK(seen[0]->seq == 1);
  CHECK(seen[1]->seq == 2);
  CHECK(bob_events.all().empty());
}

TEST_CASE("unknown tools and input that misses the schema are refused without events") {
  TestHost host("sqlite3");
  auto ctx = context_of("user-alice");
  auto sub = host.router.subscribe(ctx.user_id(), ctx.run_id(), host.sink());
  events::UserEventEmitter emitter(ctx, *host.log, host.router);
  ToolDispatcherImpl tools(host.registry, ctx, emitter);

  CHECK_THROWS_AS(tools.call("no.such.tool", boost::json::object{}), ToolError);
  CHECK_THROWS_WITH(tools.call("no.such.tool", boost::json::object{}),
                    Catch::Contains("unknown tool \"no.such.tool\""));
  // testagents.record declares {"type": "object"}.
  CHECK_THROWS_AS(tools.call("testagents.record", "a string"), ToolError);
  CHECK_THROWS_WITH(tools.call("testagents.record", "a string"),
                    Catch::Contains("input does not match its input_schema: at the root "
                                    "(type)"));
  CHECK(tools.executed_calls() == 0);
  host.log->flush();  // delivered once stored
  CHECK(host.journal.all().empty());
  CHECK(emitter.last_seq() == 0);
}

TEST_CASE(
    "a tool's draft-7 schema refuses a bad call naming pointer and keyword, runs a good one") {
  TestHost host("sqlite3");
  auto ctx = context_of("user-alice");
  auto sub = host.router.subscribe(ctx.user_id(), ctx.run_id(), host.sink());
  events::UserEventEmitter emitter(ctx, *host.log, host.router);
  ToolDispatcherImpl tools(host.registry, ctx, emitter);
  const auto refusal = [&](const char* input) {
    try {
      tools.call("testagents.forecast", boost::json::parse(input));
    } catch (const ToolError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };

  CHECK(refusal(R"({"city":"Oslo","unit":"kelvin"})") ==
        "tool \"testagents.forecast\": input does not match its input_schema: at /unit (enum): "
        "expected one of \"celsius\", \"fahrenheit\"; got \"kelvin\"");
  CHECK_THAT(refusal(R"({"city":"Oslo","unit":"celsius","where":{"lat":59.9}})"),
             Catch::Contains("at /where (required): missing required property 'lon'"));
  CHECK_THAT(refusal(R"({"city":"Oslo","unit":"celsius","days":[{"offset":1},{"offset":"2"}]})"),
             Catch::Contains("at /days/1/offset (type): expected type integer; got \"2\""));
  CHECK_THAT(refusal(R"({"city":"Oslo","unit":"celsius","detail":"weekly"})"),
             Catch::Contains("at /detail (anyOf)"));
  CHECK_THAT(refusal(R"({"city":"Oslo","unit":"celsius","extra":1})"),
             Catch::Contains("at the root (additionalProperties)") && Catch::Contains("extra"));
  CHECK(tools.executed_calls() == 0);
  host.log->flush();  // delivered once stored
  CHECK(host.journal.all().empty());

  const auto good = boost::json::parse(R"({"city":"Oslo","unit":"celsius",
      "where":{"lat":59.9,"lon":10.7},"days":[{"offset":0},{"offset":1}],"detail":"hourly"})");
  CHECK(tools.call("testagents.forecast", good) == good);
  CHECK(tools
            .call("testagents.forecast",
                  boost::json::parse(R"({"city":"Oslo","unit":"fahrenheit","detail":true})"))
            .at("detail") == true);
  CHECK(tools.executed_calls() == 2);
}

TEST_CASE("a tool's exception becomes tool_completed {success: false} and a ToolError") {
  registry::AgentClassRegistry local;
  local.add_tool(registry::ToolEntry{
      nullptr,
      {"test.explode", "throws", boost::json::object{{"type", "object"}}},
      "execution-tests",
      "(linked into the test)",
      [](const ExecutionContext&, const boost::json::value&) -> boost::json::value {
        throw std::runtime_error("disk full at /srv/secret/path/data.bin");
      },
      nullptr});  // the registry compiles the input schema
  local.freeze();
  TestHost host("sqlite3");
  auto ctx = context_of("user-alice");
  auto sub = host.router.subscribe(ctx.user_id(), ctx.run_id(), host.sink());
  events::UserEventEmitter emitter(ctx, *host.log, host.router);
  ToolDispatcherImpl tools(local, ctx, emitter);

  CHECK_THROWS_AS(tools.call("test.explode", boost::json::object{}), ToolError);
  CHECK_THROWS_WITH(
      tools.call("test.explode", boost::json::object{}),
      Catch::Contains("tool \"test.explode\" failed") && Catch::Contains("disk full"));
  host.log->flush();  // delivered once stored
  const auto seen = host.journal.all();
  REQUIRE(seen.size() == 4);
  CHECK(seen[1]->type == "tool_completed");
  CHECK(seen[1]->payload.at("success") == false);
  const auto message = seen[1]->payload.at("result_summary").at("error_message");
  CHECK_THAT(std::string(message.as_string()), Catch::Contains("disk full"));
  // The sanitiser hid the directories of the path.
  CHECK_THAT(std::string(message.as_string()), !Catch::Contains("/srv/secret"));
}

TEST_CASE("after end() or once the emitter is closed, calls throw RunEnded") {
  TestHost host("sqlite3");
  auto ctx = context_of("user-alice");
  {
    events::UserEventEmitter emitter(ctx, *host.log, host.router);
    ToolDispatcherImpl tools(host.registry, ctx, emitter);
    tools.end();
    tools.end();  // idempotent
    CHECK_THROWS_AS(tools.call("testagents.record", boost::json::object{}), RunEnded);
    CHECK(tools.executed_calls() == 0);
  }
  {
    events::UserEventEmitter emitter(ctx, *host.log, host.router);
    ToolDispatcherImpl tools(host.registry, ctx, emitter);
    emitter.close();
    CHECK_THROWS_AS(tools.call("testagents.record", boost::json::object{}), RunEnded);
  }
}
