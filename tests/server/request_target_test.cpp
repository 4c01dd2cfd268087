#include <catch2/catch.hpp>

#include "server/http_router.hpp"
#include "server/request_target.hpp"

using agenthost::server::Endpoint;
using agenthost::server::parse_request_target;
using agenthost::server::route;
using Outcome = agenthost::server::RouteResult::Outcome;

TEST_CASE("request targets split into decoded segments and query parameters") {
  auto t = parse_request_target("/v1/runs/a%2Fb/events?after=3&x=%41+b&flag&after=9");
  REQUIRE(t);
  CHECK(t->segments == std::vector<std::string>{"v1", "runs", "a/b", "events"});
  REQUIRE(t->query_value("after"));
  CHECK(*t->query_value("after") == "3");  // the first one wins
  CHECK(*t->query_value("x") == "A b");
  CHECK(*t->query_value("flag") == "");
  CHECK_FALSE(t->query_value("missing"));

  CHECK(parse_request_target("/")->segments.empty());
  CHECK(parse_request_target("/v1/agents/")->segments ==
        std::vector<std::string>{"v1", "agents", ""});
  CHECK_FALSE(parse_request_target(""));
  CHECK_FALSE(parse_request_target("v1/agents"));
  CHECK_FALSE(parse_request_target("http://host/v1/agents"));
  CHECK_FALSE(parse_request_target("/v1//agents"));
  CHECK_FALSE(parse_request_target("/v1/%zz"));
  CHECK_FALSE(parse_request_target("/v1/agents?x=%"));
  CHECK_FALSE(parse_request_target("/v1/agents#frag"));
  CHECK_FALSE(parse_request_target("/" + std::string(9000, 'a')));
}

TEST_CASE("every endpoint routes with its method and id") {
  struct Case {
    const char* method;
    const char* target;
    Endpoint endpoint;
    const char* id;
  };
  for (const auto& c : {
           Case{"GET", "/healthz", Endpoint::healthz, ""},
           Case{"GET", "/readyz", Endpoint::readyz, ""},
           Case{"GET", "/v1/agents", Endpoint::list_agents, ""},
           Case{"POST", "/v1/threads", Endpoint::create_thread, ""},
           Case{"GET", "/v1/threads/t-1/runs", Endpoint::list_thread_runs, "t-1"},
           Case{"POST", "/v1/runs", Endpoint::create_run, ""},
           Case{"GET", "/v1/runs/r%3A1", Endpoint::get_run, "r:1"},
           Case{"POST", "/v1/runs/r1/cancel", Endpoint::cancel_run, "r1"},
           Case{"GET", "/v1/runs/r1/events?after=2", Endpoint::run_events, "r1"},
           Case{"GET", "/v1/ws?access_token=abc", Endpoint::websocket, ""},
       }) {
    INFO(c.method << " " << c.target);
    const auto r = route(c.method, c.target);
    REQUIRE(r.matched());
    CHECK(r.endpoint == c.endpoint);
    CHECK(r.id == c.id);
  }
  CHECK(*route("GET", "/v1/runs/r1/events?after=2").target.query_value("after") == "2");
}

TEST_CASE("unknown paths are 404 - wrong methods 405 with Allow - bad targets 400") {
  CHECK(route("GET", "/").outcome == Outcome::not_found);
  CHECK(route("GET", "/v1").outcome == Outcome::not_found);
  CHECK(route("GET", "/v1/agents/").outcome == Outcome::not_found);
  CHECK(route("GET", "/v1/runs/r1/nope").outcome == Outcome::not_found);
  CHECK(route("GET", "/V1/agents").outcome == Outcome::not_found);
  CHECK(route("GET", "/v2/agents").outcome == Outcome::not_found);

  auto r = route("DELETE", "/v1/runs/r1");
  CHECK(r.outcome == Outcome::method_not_allowed);
  CHECK(r.allow == "GET");
  r = route("GET", "/v1/runs");
  CHECK(r.outcome == Outcome::method_not_allowed);
  CHECK(r.allow == "POST");
  r = route("POST", "/v1/agents");
  CHECK(r.allow == "GET");
  r = route("get", "/v1/agents");  // methods are case-sensitive
  CHECK(r.outcome == Outcome::method_not_allowed);

  CHECK(route("GET", "*").outcome == Outcome::bad_target);
  CHECK(route("GET", "/v1/runs/%zz").outcome == Outcome::bad_target);
}
