// libFuzzer target: server::route and parse_request_target, the HTTP request router.
// The input is "METHOD TARGET" (split at the first space). Invariants:
//  - route never throws and always answers: matched, bad_target, not_found or
//    method_not_allowed, consistently with parse_request_target;
//  - a match is an endpoint whose description starts with the method, with an id
//    exactly when its path has an {id} segment;
//  - 405 names the other allowed methods, and routing with one of them matches;
//    404 allows nothing;
//  - a parsed target, percent-encoded again and parsed, gives the same segments and
//    query, and routes to the same place.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_invariant.hpp"
#include "server/http_router.hpp"

namespace {

using namespace agenthost::server;
using agenthost::fuzz::check;
using agenthost::fuzz::fail;

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string encode_target(const RequestTarget& t) {
  std::string out;
  for (const auto& s : t.segments) out += "/" + encode(s);
  if (out.empty()) out = "/";
  for (std::size_t i = 0; i < t.query.size(); ++i)
    out += (i == 0 ? "?" : "&") + encode(t.query[i].first) + "=" + encode(t.query[i].second);
  return out;
}

bool has_id_segment(Endpoint e) {
  return e == Endpoint::list_thread_runs || e == Endpoint::get_run || e == Endpoint::cancel_run ||
         e == Endpoint::run_events;
}

RouteResult route_checked(std::string_view method, std::string_view target) {
  try {
    return route(method, target);
  } catch (const std::exception& e) {
    fail("route never throws", e.what());
  } catch (...) {
    fail("route never throws", "(not a std::exception)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto space = input.find(' ');
  const std::string_view method = space == input.npos ? "GET" : input.substr(0, space);
  const std::string_view target = space == input.npos ? input : input.substr(space + 1);

  const RouteResult r = route_checked(method, target);
  const auto parsed = parse_request_target(target);
  check(parsed.has_value() == (r.outcome != RouteResult::Outcome::bad_target),
        "route says bad_target exactly when parse_request_target refuses", input);

  switch (r.outcome) {
    case RouteResult::Outcome::bad_target:
      return 0;
    case RouteResult::Outcome::matched: {
      const std::string_view d = describe(r.endpoint);
      check(d.substr(0, method.size() + 1) == std::string(method) + " ",
            "a matched endpoint is one of the method's", input);
      check(has_id_segment(r.endpoint) == !r.id.empty(), "an id exactly for {id} paths", input);
      // The open endpoints say nothing about any user: health, readiness, metrics.
      check(requires_authentication(r.endpoint) ==
                (r.endpoint != Endpoint::healthz && r.endpoint != Endpoint::readyz &&
                 r.endpoint != Endpoint::metrics),
            "only health, readiness and metrics answer without credentials", input);
      break;
    }
    case RouteResult::Outcome::method_not_allowed: {
      check(
          r.allow == "GET" || r.allow == "POST" || r.allow == "GET, POST" || r.allow == "POST, GET",
          "405 names the allowed methods", r.allow);
      const std::string first = r.allow.substr(0, r.allow.find(','));
      check(first != method, "405 does not allow the method it refused", input);
      check(route(first, target).matched(), "a method from Allow routes", input);
      break;
    }
    case RouteResult::Outcome::not_found:
      check(r.allow.empty() && r.id.empty(), "404 allows nothing and has no id", input);
      break;
  }

  // Round trip: the decoded target, encoded again, parses to the same thing. Only
  // for targets Beast lets through: it refuses control bytes (a raw NUL, which
  // percent_decode would keep while it refuses "%00") before the router sees them.
  for (unsigned char c : target)
    if (c < 0x21 || c == 0x7F) return 0;
  const std::string again = encode_target(r.target);
  if (again.size() > 8192) return 0;  // encoding may grow past the parser's 8 KiB limit
  const auto reparsed = parse_request_target(again);
  if (!reparsed) fail("a re-encoded target parses", std::string(input) + "\n  -> " + again);
  // "/" has no segments, and neither has "" after it: compare what routing sees.
  check(reparsed->segments == r.target.segments, "a re-encoded target has the same path",
        std::string(input) + "\n  -> " + again);
  check(reparsed->query == r.target.query, "a re-encoded target has the same query",
        std::string(input) + "\n  -> " + again);
  const RouteResult r2 = route_checked(method, again);
  check(r2.outcome == r.outcome && r2.id == r.id && r2.allow == r.allow &&
            (!r.matched() || r2.endpoint == r.endpoint),
        "a re-encoded target routes the same way", std::string(input) + "\n  -> " + again);
  return 0;
}
