// ExecutionContext validation as the host uses it: every placeholder id, the
// placeholder prefixes around the 20-character limit, reserved metadata keys.
#include <catch2/catch.hpp>

#include <string>

#include "agenthost/execution_context.hpp"
#include "agenthost/id_rules.hpp"
#include "context/context_factory.hpp"
#include "context/random_id.hpp"

using agenthost::ContextError;
using agenthost::ContextFields;
using agenthost::ExecutionContext;

namespace {

ContextFields valid_fields() {
  ContextFields f;
  f.user_id = "user-alice";
  f.thread_id = "thread-4f2a";
  f.run_id = agenthost::context::random_id();
  f.request_id = agenthost::context::random_id();
  f.agent_name = "echo";
  return f;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Returns the field named by the ContextError `fields` produce, or "" if accepted.
std::string refused_field(ContextFields fields) {
  try {
    (void)ExecutionContext::create(std::move(fields));
    return "";
  } catch (const ContextError& e) {
    return e.field();
  }
}

}  // namespace

TEST_CASE("a context with valid fields is created and keeps them") {
  auto f = valid_fields();
  f.metadata = {{"client", "web"}, {"locale", "fr"}};
  const auto run_id = f.run_id;
  auto ctx = ExecutionContext::create(f);
  CHECK(ctx.user_id() == "user-alice");
  CHECK(ctx.thread_id() == "thread-4f2a");
  CHECK(ctx.run_id() == run_id);
  CHECK(ctx.agent_name() == "echo");
  CHECK(ctx.depth() == 0);
  CHECK(ctx.parent_request_id().empty());
  CHECK(ctx.metadata().at("client") == "web");
  // Metadata was copied in: changing the caller's object changes nothing.
  f.metadata["client"] = "changed";
  CHECK(ctx.metadata().at("client") == "web");
}

TEST_CASE("every placeholder id is refused, in any case, in every id field") {
  for (auto placeholder : agenthost::kPlaceholderIds) {
    for (const std::string& value : {std::string(placeholder), upper(std::string(placeholder))}) {
      INFO("id value: " << value);
      auto f = valid_fields();
      f.user_id = value;
      CHECK(refused_field(f) == "user_id");
      f = valid_fields();
      f.thread_id = value;
      CHECK(refused_field(f) == "thread_id");
      f = valid_fields();
      f.run_id = value;
      CHECK(refused_field(f) == "run_id");
      f = valid_fields();
      f.request_id = value;
      CHECK(refused_field(f) == "request_id");
    }
  }
}

TEST_CASE("empty, overlong and oddly spelled ids are refused with the field named") {
  auto f = valid_fields();
  f.user_id = "";
  CHECK(refused_field(f) == "user_id");
  f = valid_fields();
  f.run_id = std::string(agenthost::kMaxIdLength + 1, 'a');
  CHECK(refused_field(f) == "run_id");
  f = valid_fields();
  f.run_id = std::string(agenthost::kMaxIdLength, 'a');
  CHECK(refused_field(f).empty());
  f = valid_fields();
  f.thread_id = "thread 1";
  CHECK(refused_field(f) == "thread_id");
  f = valid_fields();
  f.agent_name = "";
  CHECK(refused_field(f) == "agent_name");
}

TEST_CASE("placeholder prefixes are refused below 20 characters and accepted from 20 on") {
  for (auto prefix : agenthost::kPlaceholderPrefixes) {
    std::string shortest(prefix);
    INFO("prefix: " << prefix);
    // 19 characters: refused.
    std::string nineteen = shortest + std::string(19 - shortest.size(), 'x');
    REQUIRE(nineteen.size() == 19);
    auto f = valid_fields();
    f.user_id = nineteen;
    CHECK(refused_field(f) == "user_id");
    f = valid_fields();
    f.thread_id = upper(nineteen);
    CHECK(refused_field(f) == "thread_id");
    // 20 characters: accepted.
    std::string twenty = shortest + std::string(20 - shortest.size(), 'x');
    REQUIRE(twenty.size() == 20);
    f = valid_fields();
    f.user_id = twenty;
    CHECK(refused_field(f).empty());
  }
}

TEST_CASE("each reserved metadata key is refused, naming metadata.<key>") {
  for (auto key : agenthost::kReservedMetadataKeys) {
    auto f = valid_fields();
    f.metadata = {{"ok", 1}, {key, "sneaky"}};
    CHECK(refused_field(f) == "metadata." + std::string(key));
  }
}

TEST_CASE("make_run_context generates fresh run and request ids and validates the rest") {
  std::stop_source stop;
  agenthost::ResourceLimits limits;
  limits.max_concurrent_runs = 2;
  auto a = agenthost::context::make_run_context({"user-alice",
                                                 "thread-4f2a",
                                                 "echo",
                                                 {{"client", "web"}},
                                                 limits,
                                                 stop.get_token(),
                                                 nullptr});
  auto b = agenthost::context::make_run_context(
      {"user-alice", "thread-4f2a", "echo", {}, limits, stop.get_token(), nullptr});
  CHECK(a.run_id().size() == agenthost::context::kRandomIdLength);
  CHECK(a.run_id() != b.run_id());
  CHECK(a.request_id() != b.request_id());
  CHECK(a.run_id() != a.request_id());
  CHECK(a.limits().max_concurrent_runs == 2);
  CHECK(a.metadata().at("client") == "web");
  CHECK_FALSE(a.stop_requested());
  stop.request_stop();
  CHECK(a.stop_requested());
  CHECK(b.stop_token().stop_requested());
  // The stop token wakes a waiting agent at once.
  CHECK_FALSE(a.sleep_for(std::chrono::seconds(30)));

  CHECK_THROWS_AS(agenthost::context::make_run_context(
                      {"default", "thread-4f2a", "echo", {}, limits, stop.get_token(), nullptr}),
                  ContextError);
  try {
    (void)agenthost::context::make_run_context(
        {"user-alice", "thread-4f2a", "echo", {{"run_id", "forged"}}, limits, {}, nullptr});
    FAIL("reserved metadata key accepted");
  } catch (const ContextError& e) {
    CHECK(e.field() == "metadata.run_id");
    CHECK(std::string(e.what()).find("reserved") != std::string::npos);
  }
}

TEST_CASE("the correlation id joins the first 8 characters of each id") {
  auto f = valid_fields();
  f.user_id = "alice1234567";
  f.thread_id = "thread99";
  f.run_id = "0123456789abcdef";
  f.request_id = "fedcba9876543210";
  auto ctx = ExecutionContext::create(f);
  CHECK(ctx.correlation_id() == "alice123:thread99:01234567:fedcba98");
}
