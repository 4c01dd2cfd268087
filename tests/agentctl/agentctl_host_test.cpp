// agentctl against the real network front in process (tests/server's TestHost: the
// real server, engine, SQLite store and plugins on 127.0.0.1, port 0): every command,
// its output and exit status, over real sockets.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>

#include <future>
#include <regex>
#include <sstream>

#include "agentctl/cli.hpp"
#include "agentctl/command_error.hpp"
#include "server/test_client.hpp"
#include "server/test_host.hpp"
#include "watched_output.hpp"

using namespace std::chrono_literals;
using agenthost::agentctl::run_cli;
using agenthost::agentctl::test::WatchedOutput;
using agenthost::server::test::TestHost;
namespace json = boost::json;

namespace {

constexpr auto kDeadline = std::chrono::seconds(30);

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

agenthost::agentctl::EnvLookup env_for(std::uint16_t port,
                                       const std::optional<std::string>& token) {
  return [port, token](std::string_view name) -> std::optional<std::string> {
    if (name == "AGENTHOST_URL") return "http://127.0.0.1:" + std::to_string(port);
    if (name == "AGENTHOST_TOKEN") return token;
    return std::nullopt;
  };
}

CliResult agentctl(std::uint16_t port, std::vector<std::string> args,
                   const std::optional<std::string>& token = TestHost::token("alice"),
                   const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  CliResult result;
  result.status = run_cli(args, env_for(port, token), in, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// "run R accepted (agent A, thread T)" -> {R, T}
std::pair<std::string, std::string> accepted_ids(const std::string& out) {
  std::smatch m;
  const std::regex pattern(R"(run (\S+) accepted \(agent \S+, thread (\S+)\))");
  REQUIRE(std::regex_search(out, m, pattern));
  return {m[1], m[2]};
}

std::string start_sleepy_run(const TestHost& host, const std::string& user, int ms) {
  const auto response = agenthost::server::test::http_post(
      host.port(), "/v1/runs", R"({"agent":"sleepy","input":{"ms":)" + std::to_string(ms) + "}}",
      TestHost::token(user));
  REQUIRE(response.status == 202);
  return std::string(response.json().at("run_id").as_string());
}

// A port nothing listens on: bound and released by the kernel's choice.
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace

TEST_CASE("agentctl agents lists the host's agents as a table and as JSON", "[agentctl][host]") {
  TestHost host;
  const auto table = agentctl(host.port(), {"agents"});
  INFO(table.err);
  CHECK(table.status == 0);
  const auto lines = lines_of(table.out);
  REQUIRE(lines.size() > 2);
  CHECK_THAT(lines[0], Catch::StartsWith("NAME"));
  CHECK_THAT(table.out, Catch::Contains("\necho ") && Catch::Contains("\nsleepy "));

  const auto raw = agentctl(host.port(), {"agents", "--json"});
  CHECK(raw.status == 0);
  const auto body = json::parse(raw.out);
  CHECK(body.at("agents").as_array().size() == lines.size() - 1);
}

TEST_CASE("agentctl run echo streams the events then prints the result and exits 0",
          "[agentctl][host]") {
  TestHost host;
  const auto r = agentctl(host.port(), {"run", "echo", "--input", R"({"text":"hi"})"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 5);
  CHECK_THAT(lines[0], Catch::Matches(R"(run \S+ accepted \(agent echo, thread \S+\))"));
  CHECK_THAT(lines[1],
             Catch::Matches(R"(\d\d:\d\d:\d\d\.\d{3}  #1    agent_started    Agent started)"));
  CHECK_THAT(lines[2],
             Catch::Matches(R"(\d\d:\d\d:\d\d\.\d{3}  #2    agent_thinking   echoing input)"));
  CHECK_THAT(lines[3], Catch::Matches(R"(.*#3    agent_completed  result \{"text":"hi"\})"));
  CHECK(lines[4] == R"(result: {"text":"hi"})");

  // The run is stored as completed, for this user.
  const auto [run_id, thread_id] = accepted_ids(r.out);
  const auto record = host.wait_final(run_id, "alice");
  CHECK(record.thread_id == thread_id);
}

TEST_CASE("agentctl run --json prints each frame once as it arrived", "[agentctl][host]") {
  TestHost host;
  const auto r = agentctl(host.port(), {"--json", "run", "echo", "--input", R"("plain")"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 4);
  std::vector<std::string> types;
  for (const auto& line : lines) types.emplace_back(json::parse(line).at("type").as_string());
  CHECK(types == std::vector<std::string>{"run_accepted", "agent_started", "agent_thinking",
                                          "agent_completed"});
  CHECK(json::parse(lines[3]).at("payload").at("result") == "plain");
}

TEST_CASE("agentctl run continues a thread given with --thread", "[agentctl][host]") {
  TestHost host;
  const auto first = agentctl(host.port(), {"run", "echo"});
  REQUIRE(first.status == 0);
  const auto [first_run, thread_id] = accepted_ids(first.out);
  // The terminal event is delivered before the run's status is final; until then the
  // thread is still busy for strategy reject.
  host.wait_final(first_run, "alice");
  const auto second =
      agentctl(host.port(), {"run", "echo", "--thread", thread_id, "--strategy", "reject"});
  INFO(second.err);
  CHECK(second.status == 0);
  CHECK(accepted_ids(second.out).second == thread_id);
  // Input defaults to {}.
  CHECK_THAT(second.out, Catch::EndsWith("result: {}\n"));
}

TEST_CASE("agentctl run of a failing agent prints the error and exits 1", "[agentctl][host]") {
  TestHost host;
  const auto r =
      agentctl(host.port(), {"run", "failing", "--input", R"({"message":"broken on purpose"})"});
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  CHECK_THAT(r.out, Catch::Contains("agent_error") && Catch::Contains("broken on purpose"));
  CHECK_THAT(lines_of(r.out).back(),
             Catch::StartsWith("failed: ") && Catch::Contains("broken on purpose"));
}

TEST_CASE("agentctl run of an unknown agent fails with the host's message", "[agentctl][host]") {
  TestHost host;
  const auto r = agentctl(host.port(), {"run", "no_such_agent"});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("agentctl: no agent named \"no_such_agent\"") &&
                        Catch::EndsWith("(unknown_agent)\n"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("bad input JSON is refused with its position before contacting the host",
          "[agentctl][host]") {
  const auto r = agentctl(closed_port(), {"run", "echo", "--input", R"({"text": hi})"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::StartsWith("agentctl: --input: invalid JSON at line 1, column 10: "));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // no usage dump for a JSON typo
}

TEST_CASE("run with input @- takes the input from stdin", "[agentctl][host]") {
  TestHost host;
  const auto r = agentctl(host.port(), {"run", "echo", "--input", "@-"}, TestHost::token("alice"),
                          "{\"from\": \"stdin\"}\n");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::EndsWith("result: {\"from\":\"stdin\"}\n"));
}

TEST_CASE("a bad or missing token is refused with 401 in one line", "[agentctl][host]") {
  TestHost host;
  for (const auto& args : std::vector<std::vector<std::string>>{{"agents"}, {"run", "echo"}}) {
    const auto bad = agentctl(host.port(), args, std::string("not-a-valid-token-at-all"));
    INFO(bad.err);
    CHECK(bad.status == 1);
    CHECK_THAT(bad.err, Catch::StartsWith("agentctl: the host refused the token (401): "));
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);

    const auto missing = agentctl(host.port(), args, std::nullopt);
    CHECK(missing.status == 1);
    CHECK_THAT(missing.err, Catch::StartsWith("agentctl: the host requires a token (401): ") &&
                                Catch::Contains("AGENTHOST_TOKEN"));
  }
  // A static API key works like a JWT.
  CHECK(agentctl(host.port(), {"agents"}, std::string(agenthost::server::test::kKeyUserApiKey))
            .status == 0);
}

TEST_CASE("an unreachable host is one line and exit 3 for HTTP and WebSocket commands",
          "[agentctl][host]") {
  const auto port = closed_port();
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"agents"}, {"run", "echo"}, {"cancel", "r1"}}) {
    const auto r = agentctl(port, args);
    CHECK(r.status == 3);
    CHECK(r.err == "agentctl: cannot reach agenthost at http://127.0.0.1:" + std::to_string(port) +
                       ": connection refused\n");
  }
}

TEST_CASE("runs show with events and events --after show a finished run", "[agentctl][host]") {
  TestHost host;
  const auto run = agentctl(host.port(), {"run", "echo", "--input", R"({"text":"stored"})"});
  REQUIRE(run.status == 0);
  const auto run_id = accepted_ids(run.out).first;
  host.wait_final(run_id, "alice");

  const auto shown = agentctl(host.port(), {"runs", "show", run_id});
  INFO(shown.err);
  CHECK(shown.status == 0);
  CHECK_THAT(shown.out, Catch::StartsWith("run       " + run_id + "\nagent     echo\n") &&
                            Catch::Contains("status    completed\n") &&
                            Catch::Contains("input     {\"text\":\"stored\"}\n") &&
                            Catch::Contains("result    {\"text\":\"stored\"}\n"));
  const auto shown_json = agentctl(host.port(), {"runs", "show", run_id, "--json"});
  CHECK(json::parse(shown_json.out).at("status") == "completed");

  // The stored events are the lines the live run showed.
  const auto events = agentctl(host.port(), {"events", run_id});
  CHECK(events.status == 0);
  const auto live_lines = lines_of(run.out);
  CHECK(lines_of(events.out) == std::vector<std::string>(live_lines.begin() + 1, live_lines.end()));

  const auto after = agentctl(host.port(), {"events", run_id, "--after", "2", "--json"});
  CHECK(after.status == 0);
  const auto after_lines = lines_of(after.out);
  REQUIRE(after_lines.size() == 1);
  CHECK(json::parse(after_lines[0]).at("seq") == 3);

  // --follow of a finished run shows the rest and ends with the run's outcome.
  const auto followed = agentctl(host.port(), {"events", run_id, "--after", "1", "--follow"});
  CHECK(followed.status == 0);
  CHECK(lines_of(followed.out).size() == 3);
  const auto past_end = agentctl(host.port(), {"events", run_id, "--after", "99", "--follow"});
  CHECK(past_end.status == 0);
  CHECK(past_end.out == "run " + run_id + " is completed\n");
}

TEST_CASE("another user's run does not exist for agentctl either", "[agentctl][host]") {
  TestHost host;
  const auto run = agentctl(host.port(), {"run", "echo"});
  REQUIRE(run.status == 0);
  const auto run_id = accepted_ids(run.out).first;
  for (const auto& args : std::vector<std::vector<std::string>>{{"runs", "show", run_id},
                                                                {"events", run_id},
                                                                {"cancel", run_id},
                                                                {"events", run_id, "--follow"}}) {
    const auto r = agentctl(host.port(), args, TestHost::token("mallory"));
    INFO(args[0] << ": " << r.err);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("(404 not_found)"));
    CHECK(r.out.empty());
  }
  // An id with a slash stays one path segment and is refused as an id.
  const auto odd = agentctl(host.port(), {"runs", "show", "a/b"});
  CHECK(odd.status == 1);
  CHECK_THAT(odd.err, Catch::Contains("(400 invalid_field)"));
}

TEST_CASE("run follows a live run until it is cancelled by agentctl cancel", "[agentctl][host]") {
  TestHost host;
  WatchedOutput out;
  std::ostringstream err;
  std::istringstream in;
  auto running = std::async(std::launch::async, [&] {
    return run_cli({"run", "sleepy", "--input", R"({"ms":60000})"},
                   env_for(host.port(), TestHost::token("alice")), in, out, err);
  });
  REQUIRE(out.wait_for("agent_thinking", kDeadline));
  const auto run_id = accepted_ids(out.text()).first;

  const auto cancel = agentctl(host.port(), {"cancel", run_id});
  CHECK(cancel.status == 0);
  CHECK(cancel.out == "cancel requested for run " + run_id + "\n");

  REQUIRE(running.wait_for(kDeadline) == std::future_status::ready);
  CHECK(running.get() == 1);
  CHECK_THAT(out.text(), Catch::Contains("agent_death      cancelled") &&
                             Catch::Contains("\ndied (cancelled): "));
  // Cancelling again is fine (idempotent).
  CHECK(agentctl(host.port(), {"cancel", run_id, "--json"}).status == 0);
}

TEST_CASE("events --follow streams a running run live until its end", "[agentctl][host]") {
  TestHost host;
  const auto run_id = start_sleepy_run(host, "alice", 60000);
  WatchedOutput out;
  std::ostringstream err;
  std::istringstream in;
  auto following = std::async(std::launch::async, [&] {
    return run_cli({"events", run_id, "--follow"}, env_for(host.port(), TestHost::token("alice")),
                   in, out, err);
  });
  // The run is still going when its thinking event shows: this is the live path.
  REQUIRE(out.wait_for("sleeping 60000 ms", kDeadline));
  CHECK(agentctl(host.port(), {"cancel", run_id}).status == 0);
  REQUIRE(following.wait_for(kDeadline) == std::future_status::ready);
  CHECK(following.get() == 1);
  const auto lines = lines_of(out.text());
  REQUIRE(lines.size() == 4);
  CHECK_THAT(lines[0], Catch::Contains("#1    agent_started"));
  CHECK_THAT(lines[1], Catch::Contains("#2    agent_thinking"));
  CHECK_THAT(lines[2], Catch::Contains("#3    agent_death"));
  CHECK_THAT(lines[3], Catch::StartsWith("died (cancelled)"));
}

TEST_CASE("run shows the question and reads y/n from the terminal", "[agentctl][host]") {
  TestHost host;
  const auto run = agentctl(host.port(), {"run", "approval", "--input", R"({"refund":7})"},
                            TestHost::token("alice"), "perhaps\ny\n");
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Catch::Contains("question: Approve this request? {\"refund\":7}\n"
                                      "answer y or n\n") &&
                          Catch::Contains("please answer y or n") &&
                          Catch::Contains("input_received") &&
                          Catch::Contains("result: {\"approved\":true}"));
}

TEST_CASE("answer RUN_ID --input answers a waiting run that runs show describes",
          "[agentctl][host]") {
  TestHost host;
  // Started without a terminal to answer from: the run waits.
  const auto started = agentctl(host.port(), {"run", "approval", "--input", "{}"});
  CHECK(started.status == 4);
  CHECK_THAT(started.err, Catch::Contains("agentctl answer "));
  const auto run_id = accepted_ids(started.out).first;
  REQUIRE(host.wait_status(run_id, "alice", "waiting_input"));

  const auto shown = agentctl(host.port(), {"runs", "show", run_id});
  CHECK(shown.status == 0);
  CHECK_THAT(shown.out, Catch::Contains("status    waiting_input\n") &&
                            Catch::Contains("question  Approve this request? {}\n") &&
                            Catch::Contains("answer    agentctl answer " + run_id));

  const auto wrong = agentctl(host.port(), {"answer", run_id, "--input", R"({"approve":"y"})"});
  CHECK(wrong.status == 1);
  CHECK_THAT(wrong.err, Catch::Contains("/approve"));
  const auto foreign = agentctl(host.port(), {"answer", run_id, "--input", R"({"approve":true})"},
                                TestHost::token("mallory"));
  CHECK(foreign.status == 1);

  const auto answered =
      agentctl(host.port(), {"answer", run_id, "--input", R"({"approve":false})"});
  INFO(answered.err);
  CHECK(answered.status == 0);
  CHECK(answered.out == "answer accepted by run " + run_id + "\n");
  const auto done = host.wait_final(run_id, "alice");
  CHECK(*done.result == json::object{{"approved", false}});
  const auto again = agentctl(host.port(), {"answer", run_id, "--input", R"({"approve":true})"});
  CHECK(again.status == 1);
  CHECK_THAT(again.err, Catch::Contains("not waiting"));
}
