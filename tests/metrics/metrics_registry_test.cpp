#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <thread>
#include <vector>

#include "exposition_parser.hpp"
#include "metrics/metrics_registry.hpp"
#include "metrics/text_format.hpp"

using namespace agenthost::metrics;
using agenthost::testing::parse_exposition;
using namespace std::chrono_literals;

TEST_CASE("every combination of the declared label values is a series from the start") {
  MetricsRegistry r;
  auto& runs = r.add_counter("runs_total", "Runs.",
                             {{"agent", {"echo", "triage"}}, {"status", {"ok", "failed"}}});
  const auto e = parse_exposition(r.render());
  const auto* f = e.find("runs_total");
  REQUIRE(f != nullptr);
  CHECK(f->type == "counter");
  CHECK(f->help == "Runs.");
  REQUIRE(f->samples.size() == 4);
  for (const auto* agent : {"echo", "triage"})
    for (const auto* status : {"ok", "failed"})
      CHECK(e.value("runs_total", {{"agent", agent}, {"status", status}}) == 0);

  runs.at({"triage", "failed"}).inc();
  runs.at({"triage", "failed"}).inc(2);
  runs.at({"echo", "ok"}).inc();
  const auto after = parse_exposition(r.render());
  CHECK(after.value("runs_total", {{"agent", "triage"}, {"status", "failed"}}) == 3);
  CHECK(after.value("runs_total", {{"agent", "echo"}, {"status", "ok"}}) == 1);
  CHECK(after.value("runs_total", {{"agent", "echo"}, {"status", "failed"}}) == 0);
}

TEST_CASE("an undeclared label value is refused, never a new series") {
  MetricsRegistry r;
  auto& f = r.add_counter("runs_total", "Runs.", {{"agent", {"echo"}}});
  CHECK(f.find({"someone_else"}) == nullptr);
  CHECK(f.find({}) == nullptr);
  CHECK_THROWS_WITH(f.at({"someone_else"}),
                    Catch::Contains("'someone_else' is not a declared value of label 'agent'"));
  CHECK_THROWS_AS(f.at({"echo", "extra"}), std::out_of_range);
  CHECK(parse_exposition(r.render()).find("runs_total")->samples.size() == 1);
}

TEST_CASE("gauges go up, down and to a set value") {
  MetricsRegistry r;
  auto& g = r.add_gauge("open_things", "Things open.").at({});
  g.inc();
  g.inc();
  g.dec();
  CHECK(parse_exposition(r.render()).value("open_things") == 1);
  g.set(-7);
  CHECK(parse_exposition(r.render()).value("open_things") == -7);
}

TEST_CASE("a duration counter is exposed in seconds") {
  MetricsRegistry r;
  auto& c = r.add_duration_counter("wait_seconds_total", "Waiting.").at({});
  c.add(1500ms);
  c.add(-5s);  // ignored: a counter never goes down
  c.add(250us);
  const auto e = parse_exposition(r.render());
  CHECK(e.find("wait_seconds_total")->type == "counter");
  CHECK(e.value("wait_seconds_total") == Approx(1.50025));
  c.mirror(3s);
  CHECK(parse_exposition(r.render()).value("wait_seconds_total") == 3);
}

TEST_CASE("histogram buckets are cumulative, a bound is inclusive, +Inf equals _count") {
  MetricsRegistry r;
  auto& h = r.add_histogram("d_seconds", "Durations.", {0.1, 1, 10}, {{"agent", {"a", "b"}}});
  auto& a = h.at({"a"});
  a.observe(50ms);   // 0.1
  a.observe(100ms);  // exactly 0.1: le is "less or equal"
  a.observe(101ms);  // 1
  a.observe(10s);    // exactly 10
  a.observe(11s);    // +Inf only
  a.observe(-1s);    // counts as 0
  const auto e = parse_exposition(r.render());
  CHECK(e.find("d_seconds")->type == "histogram");
  const auto bucket = [&](const char* agent, const char* le) {
    return e.value("d_seconds_bucket", {{"agent", agent}, {"le", le}});
  };
  CHECK(bucket("a", "0.1") == 3);
  CHECK(bucket("a", "1") == 4);
  CHECK(bucket("a", "10") == 5);
  CHECK(bucket("a", "+Inf") == 6);
  CHECK(e.value("d_seconds_count", {{"agent", "a"}}) == 6);
  CHECK(e.value("d_seconds_sum", {{"agent", "a"}}) == Approx(0.05 + 0.1 + 0.101 + 10 + 11));
  CHECK(bucket("b", "+Inf") == 0);
  CHECK(e.value("d_seconds_sum", {{"agent", "b"}}) == 0);
}

TEST_CASE("bad families are refused with the family's name") {
  MetricsRegistry r;
  CHECK_THROWS_WITH(r.add_counter("bad name", "x"), Catch::Contains("'bad name'"));
  CHECK_THROWS_WITH(r.add_counter("x_total", ""), Catch::Contains("help"));
  CHECK_THROWS_WITH(r.add_counter("x_total", "X.", {{"1agent", {"a"}}}),
                    Catch::Contains("'1agent'"));
  CHECK_THROWS_WITH(r.add_counter("x_total", "X.", {{"agent", {}}}), Catch::Contains("no values"));
  CHECK_THROWS_WITH(r.add_counter("x_total", "X.", {{"agent", {"a", "a"}}}),
                    Catch::Contains("twice"));
  CHECK_THROWS_WITH(r.add_counter("x_total", "X.", {{"a", {"1"}}, {"a", {"2"}}}),
                    Catch::Contains("repeated"));
  CHECK_THROWS_WITH(r.add_histogram("h", "H.", {1}, {{"le", {"x"}}}), Catch::Contains("reserved"));
  CHECK_THROWS_WITH(r.add_histogram("h", "H.", {}), Catch::Contains("at least one"));
  CHECK_THROWS_WITH(r.add_histogram("h", "H.", {1, 1}), Catch::Contains("'h'"));
  CHECK_THROWS_WITH(r.add_histogram("h", "H.", {2, 1}), Catch::Contains("previous bound"));
  CHECK_THROWS_AS(r.add_histogram("h", "H.", {0}), std::invalid_argument);
  CHECK_THROWS_AS(r.add_histogram("h", "H.", {1, std::numeric_limits<double>::infinity()}),
                  std::invalid_argument);
  // Nothing refused was added.
  CHECK(r.family_names().empty());
  CHECK(r.render().empty());
}

TEST_CASE("two families may not write the same sample name") {
  MetricsRegistry r;
  r.add_histogram("lat", "Latency.", {1});
  CHECK_THROWS_WITH(r.add_counter("lat_count", "Clash."), Catch::Contains("already used"));
  CHECK_THROWS_AS(r.add_gauge("lat", "Clash."), std::invalid_argument);
  r.add_counter("c_total", "C.");
  CHECK_THROWS_AS(r.add_counter("c_total", "Again."), std::invalid_argument);
  CHECK(r.family_names() == std::vector<std::string>{"lat", "c_total"});
}

TEST_CASE("label values with quotes, backslashes and newlines survive the round trip") {
  MetricsRegistry r;
  const std::string odd = "a \"quoted\" \\ back\nslash";
  r.add_gauge("odd", "Odd\\help\nsecond line.", {{"v", {odd, "plain"}}}).at({odd}).set(5);
  const auto e = parse_exposition(r.render());
  CHECK(e.value("odd", {{"v", odd}}) == 5);
  CHECK(e.find("odd")->help == "Odd\\help\nsecond line.");
}

TEST_CASE("collect hooks run before every render") {
  MetricsRegistry r;
  auto& g = r.add_gauge("sampled", "Set at scrape time.").at({});
  int calls = 0;
  r.add_collect_hook([&] { g.set(++calls * 10); });
  CHECK(parse_exposition(r.render()).value("sampled") == 10);
  CHECK(parse_exposition(r.render()).value("sampled") == 20);
}

TEST_CASE("increments from many threads are all counted while scrapes run") {
  MetricsRegistry r;
  auto& family = r.add_counter("hits_total", "Hits.", {{"shard", {"a", "b"}}});
  auto& h = r.add_histogram("lat_seconds", "Latency.", {0.001, 0.01}).at({});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto& c = family.at({t % 2 == 0 ? "a" : "b"});
      for (int i = 0; i < kPerThread; ++i) {
        c.inc();
        h.observe(std::chrono::microseconds(i % 20 * 1000));
      }
    });
  // Scrapes racing the writers must always parse (histogram invariants included).
  for (int i = 0; i < 20; ++i) parse_exposition(r.render());
  for (auto& t : threads) t.join();
  const auto e = parse_exposition(r.render());
  CHECK(e.value("hits_total", {{"shard", "a"}}) == kThreads / 2 * kPerThread);
  CHECK(e.value("hits_total", {{"shard", "b"}}) == kThreads / 2 * kPerThread);
  CHECK(e.value("lat_seconds_count") == kThreads * kPerThread);
  // i % 20 ms: 0 and 1 ms land in le=0.001, 0..10 ms in le=0.01.
  CHECK(e.value("lat_seconds_bucket", {{"le", "0.001"}}) == kThreads * kPerThread / 10);
  CHECK(e.value("lat_seconds_bucket", {{"le", "0.01"}}) == kThreads * kPerThread * 11 / 20);
}

TEST_CASE("the content type names version 0.0.4") {
  CHECK(kTextContentType == "text/plain; version=0.0.4; charset=utf-8");
}
