// The real agenthostd with the assistant plugin against the stand-in model server:
// answers streamed as stored model_delta events (and resumed exactly), cancel closing
// the upstream connection, one user's slow endpoint not holding up another's run,
// the host without a `models` section, and what --check-config and startup refuse.

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>

#include "daemon/daemon_harness.hpp"
#include "support/fake_model_server.hpp"

namespace agenthost::daemon::test {
namespace {

using agenthost::testing::FakeModelServer;
using agenthost::testing::run_command;

const std::string kKey = "sk-standin-secret-4242";

std::string plugin_paths() {
  return "plugins:\n  paths: [\"" + std::string(AGENTHOST_PLUGIN_DIR) + "/assistant.so\", \"" +
         AGENTHOST_PLUGIN_DIR + "/triage.so\", \"" + AGENTHOST_TEST_PLUGIN_DIR +
         "/testagents.so\"]\n";
}

std::string models_section(const FakeModelServer& server, const std::string& extra = "") {
  return "models:\n  default:\n    base_url: " + server.base_url() +
         "\n    api_key: \"${STANDIN_API_KEY}\"\n    model: stand-in\n    retry_backoff: 10ms\n" +
         extra;
}

std::string config_text(const TempDir& dir, const std::string& models) {
  return "server:\n  port: 0\n  data_dir: \"" + (dir.path() / "data").string() + "\"\n" +
         plugin_paths() + "auth:\n  api_keys:\n    - user: alice\n      key: \"" + kAliceKey +
         "\"\n    - user: bob\n      key: \"" + kBobKey + "\"\n" + models;
}

fs::path write(const TempDir& dir, const std::string& text) {
  const auto file = dir.path() / "agenthost.yaml";
  write_file(file, text);
  return file;
}

struct StandInHost {
  FakeModelServer server{{"--api-key", kKey}};
  TempDir dir{"agenthost-models"};
  std::optional<Daemon> daemon;

  explicit StandInHost(const std::string& endpoint_extra = "") {
    ::setenv("STANDIN_API_KEY", kKey.c_str(), 1);  // read by the daemon's config
    daemon.emplace(write(dir, config_text(dir, models_section(server, endpoint_extra))));
  }
  std::uint16_t port() const { return daemon->port; }

  std::string wait_final(const std::string& key, const std::string& run_id) {
    std::string status;
    const bool final = wait_until(
        [&] {
          status = status_of(port(), key, run_id);
          return status != "queued" && status != "running";
        },
        30s);
    REQUIRE(final);
    return status;
  }
};

std::string delta_text(const std::vector<json::object>& events) {
  std::string text;
  for (const auto& e : events)
    if (e.at("type") == "model_delta") text += std::string(e.at("payload").at("text").as_string());
  return text;
}

std::vector<json::object> of_type(const std::vector<json::object>& events, const char* type) {
  std::vector<json::object> out;
  for (const auto& e : events)
    if (e.at("type") == type) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("the answer is stored as model_delta events that concatenate to it and resume exactly",
          "[models]") {
  StandInHost host;
  std::string answer;
  for (int i = 0; answer.size() < 4000; ++i)
    answer += "Sentence " + std::to_string(i) + " of a long answer, with \xc3\xa9 in it. ";
  answer += "The end.";  // the stand-in trims the spaces around a directive's value
  const auto run_id =
      start_run(host.port(), kAliceKey, "assistant",
                {{"text", "Tell me a story [[answer=" + answer + ";chunk=7;delay_ms=1]]"}});
  REQUIRE(host.wait_final(kAliceKey, run_id) == "completed");

  // The result is the whole answer (a result is kept whole, bounded as a whole), and
  // so are the deltas.
  const auto run = get_run(host.port(), kAliceKey, run_id);
  CHECK(std::string(run.at("result").at("text").as_string()) == answer);
  const auto events = events_of(host.port(), kAliceKey, run_id);
  check_gapless(events, run_id);
  const auto streamed = delta_text(events);
  const auto differs =
      std::mismatch(streamed.begin(), streamed.end(), answer.begin(), answer.end());
  INFO("streamed " << streamed.size() << " bytes of " << answer.size() << "; first difference at "
                   << (differs.first - streamed.begin()) << ": "
                   << streamed.substr(
                          std::max<std::ptrdiff_t>(0, differs.first - streamed.begin() - 20), 60));
  CHECK(streamed == answer);
  const auto deltas = of_type(events, "model_delta");
  CHECK(deltas.size() >= 5);                 // the answer arrived in pieces...
  CHECK(deltas.size() < answer.size() / 7);  // ...coalesced, not one event per delta
  const auto completed = of_type(events, "model_completed");
  REQUIRE(completed.size() == 1);
  CHECK(completed[0].at("payload").at("finish_reason") == "stop");
  CHECK(completed[0].at("payload").at("usage").at("completion_tokens").to_number<int>() > 0);
  CHECK(completed[0].at("payload").at("usage").at("estimated") == false);

  // A client that saw events up to the third delta resumes with exactly the rest.
  const auto resume_after = deltas[2].at("seq").to_number<std::int64_t>();
  const auto rest = events_of(host.port(), kAliceKey, run_id, resume_after);
  REQUIRE(rest.size() == events.size() - static_cast<std::size_t>(resume_after));
  std::string seen;
  for (const auto& e : events)
    if (e.at("seq").to_number<std::int64_t>() <= resume_after && e.at("type") == "model_delta")
      seen += std::string(e.at("payload").at("text").as_string());
  CHECK(seen + delta_text(rest) == answer);

  // The key reached the endpoint and nowhere else.
  CHECK(str(host.server.requests().back().at("headers").at("Authorization")) == "Bearer " + kKey);
  CHECK_FALSE(contains(host.daemon->err(), kKey));
}

TEST_CASE("a short answer is the run's result, whole", "[models]") {
  StandInHost host;
  const auto run_id = start_run(host.port(), kAliceKey, "assistant", {{"text", "Hi there"}});
  REQUIRE(host.wait_final(kAliceKey, run_id) == "completed");
  const auto run = get_run(host.port(), kAliceKey, run_id);
  CHECK(run.at("result") == json::object{{"text", "Hello from the stand-in model."}});
}

TEST_CASE("the tools loop calls tools of two plugins, each shown to the user", "[models]") {
  StandInHost host;
  // The host offers tools as OpenAI functions, '.' written '_'.
  const auto run_id = start_run(
      host.port(), kAliceKey, "assistant",
      {{"text", R"(Classify [[tool=triage_keyword_classifier@{"text":"my invoice is wrong"};)"
                R"(tool=testagents_record@{"note":"seen"}]])"}});
  REQUIRE(host.wait_final(kAliceKey, run_id) == "completed");
  const auto events = events_of(host.port(), kAliceKey, run_id);
  check_gapless(events, run_id);
  CHECK(of_type(events, "tool_executing").size() == 2);
  CHECK(of_type(events, "tool_completed").size() == 2);
  const auto completed = of_type(events, "model_completed");
  REQUIRE(completed.size() == 1);
  CHECK(completed[0].at("payload").at("model_calls") == 2);
  // The second model call carried both tools' results; its answer quotes them.
  const auto text =
      std::string(get_run(host.port(), kAliceKey, run_id).at("result").at("text").as_string());
  CHECK(contains(text, "tools said: "));
  CHECK(contains(text, "seen"));
  CHECK(delta_text(events) == text);
  // Both requests offered every registered tool.
  const auto requests = host.server.requests();
  REQUIRE(requests.size() >= 2);
  CHECK(requests.back().at("body").at("tools").as_array().size() >= 3);
}

TEST_CASE("cancel mid-stream ends the run at once and closes the upstream connection", "[models]") {
  StandInHost host;
  const auto run_id = start_run(host.port(), kAliceKey, "assistant", {{"text", "[[never_end]]"}});
  REQUIRE(wait_until([&] { return host.server.stat("in_flight") == 1; }, 30s));
  const auto cancelled_at = std::chrono::steady_clock::now();
  const auto r = http_post(host.port(), "/v1/runs/" + run_id + "/cancel", "{}", kAliceKey);
  REQUIRE(r.status < 300);
  CHECK(host.wait_final(kAliceKey, run_id) == "cancelled");
  CHECK(std::chrono::steady_clock::now() - cancelled_at < 3s);
  CHECK(wait_until([&] { return host.server.stat("client_closed") == 1; }, 10s));
  CHECK(host.server.stat("in_flight") == 0);
}

TEST_CASE("one user's slow endpoint answer does not hold up another user's run", "[models]") {
  StandInHost host;
  const auto slow =
      start_run(host.port(), kAliceKey, "assistant", {{"text", "[[first_byte_ms=20000]]"}});
  REQUIRE(wait_until([&] { return host.server.stat("in_flight") == 1; }, 30s));
  const auto fast = start_run(host.port(), kBobKey, "assistant", {{"text", "[[answer=quick]]"}});
  CHECK(host.wait_final(kBobKey, fast) == "completed");
  CHECK(status_of(host.port(), kAliceKey, slow) == "running");
  http_post(host.port(), "/v1/runs/" + slow + "/cancel", "{}", kAliceKey);
  CHECK(host.wait_final(kAliceKey, slow) == "cancelled");
}

TEST_CASE("a model timeout fails the run with a message naming the setting", "[models]") {
  StandInHost host("    first_byte_timeout: 300ms\n");
  const auto run_id =
      start_run(host.port(), kAliceKey, "assistant", {{"text", "[[first_byte_ms=5000]]"}});
  CHECK(host.wait_final(kAliceKey, run_id) == "failed");
  const auto run = get_run(host.port(), kAliceKey, run_id);
  CHECK_THAT(str(run.at("error").at("message")), Catch::Contains("first_byte_timeout"));
}

TEST_CASE("without a models section the host starts and a model run says what to configure",
          "[models]") {
  TempDir dir("agenthost-models");
  Daemon daemon(write(dir, config_text(dir, "")));
  CHECK(contains(daemon.err(), "calls model endpoint \"default\", which is not configured"));
  const auto run_id = start_run(daemon.port, kAliceKey, "assistant", {{"text", "Hello?"}});
  REQUIRE(wait_until([&] { return status_of(daemon.port, kAliceKey, run_id) == "failed"; }, 30s));
  const auto run = get_run(daemon.port, kAliceKey, run_id);
  CHECK_THAT(str(run.at("error").at("message")),
             Catch::Contains("models.default") && Catch::Contains("base_url"));
  // Agents that need no model run as ever.
  const auto echo = start_run(daemon.port, kAliceKey, "toolcaller", {{"a", 1}});
  CHECK(wait_until([&] { return status_of(daemon.port, kAliceKey, echo) == "completed"; }, 30s));
}

TEST_CASE("check-config lists the endpoints without their keys", "[models]") {
  FakeModelServer server;
  TempDir dir("agenthost-models");
  const auto file = write(dir, config_text(dir, models_section(server)));
  const auto r =
      run_command({AGENTHOSTD_PATH, "--check-config", file.string()}, {{"STANDIN_API_KEY", kKey}});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(contains(r.out, "model endpoints (1):"));
  CHECK(contains(r.out, "default " + server.base_url() + " model stand-in, api key set"));
  CHECK_FALSE(contains(r.out + r.err, kKey));
}

TEST_CASE("check-config refuses an agent whose model endpoint is not configured", "[models]") {
  TempDir dir("agenthost-models");
  const auto file = write(dir, config_text(dir, ""));
  const auto r = run_command({AGENTHOSTD_PATH, "--check-config", file.string()});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "agent \"assistant\""));
  CHECK(contains(r.err, "add models.default (base_url, api_key, model)"));
}

TEST_CASE("a bad endpoint is refused at startup with file:line:column", "[models]") {
  TempDir dir("agenthost-models");
  const std::string models =
      "models:\n  default:\n    base_url: http://models.example.com/v1\n    model: m\n"
      "    max_retris: 3\n  Bad Name:\n    base_url: https://x.example/v1\n    model: m\n"
      "  nomodel:\n    base_url: https://x.example/v1\n";
  const auto file = write(dir, config_text(dir, models));
  ChildProcess daemon({AGENTHOSTD_PATH, "--config", file.string()});
  const auto status = daemon.wait(60s);
  REQUIRE(status);
  CHECK(*status != 0);
  const auto err = daemon.err();
  INFO(err);
  const auto where = file.string() + ":";
  // The lines of the YAML above: the config's own lines come first.
  CHECK(contains(err, "models.default.base_url"));
  CHECK(contains(err, "plain http to a host that is not loopback"));
  CHECK(contains(err, "unknown key 'max_retris'; did you mean 'max_retries'?"));
  CHECK(contains(err, "endpoint name 'Bad Name' is not valid"));
  CHECK(contains(err, "endpoint 'nomodel' has no model"));
  CHECK(count_of(err, where) >= 4);
}

}  // namespace agenthost::daemon::test

namespace agenthost::daemon::test {

TEST_CASE("usage is recorded per run and per user, and counted on /metrics", "[models]") {
  StandInHost host;
  const auto first = start_run(host.port(), kAliceKey, "assistant", {{"text", "one"}});
  REQUIRE(host.wait_final(kAliceKey, first) == "completed");
  const auto second = start_run(host.port(), kAliceKey, "assistant", {{"text", "two"}});
  REQUIRE(host.wait_final(kAliceKey, second) == "completed");

  const auto run = get_run(host.port(), kAliceKey, first);
  INFO(serialize(run));
  const auto& usage = run.at("usage").as_object();
  const auto prompt = usage.at("prompt_tokens").to_number<std::int64_t>();
  const auto completion = usage.at("completion_tokens").to_number<std::int64_t>();
  CHECK(prompt > 0);
  CHECK(completion > 0);
  CHECK(usage.at("by_endpoint").at("default").at("calls") == 1);
  // What the stand-in reported is what model_completed carried.
  const auto completed = events_of(host.port(), kAliceKey, first);
  for (const auto& e : completed)
    if (e.at("type") == "model_completed")
      CHECK(e.at("payload").at("usage").at("prompt_tokens").to_number<std::int64_t>() == prompt);

  const auto me = http_get(host.port(), "/v1/me/usage", kAliceKey);
  REQUIRE(me.status == 200);
  const auto body = me.json().as_object();
  INFO(me.body);
  CHECK(body.at("today").at("calls") == 2);
  CHECK(body.at("today").at("by_endpoint").at("default").at("calls") == 2);
  CHECK(body.at("month").at("total_tokens").to_number<std::int64_t>() >=
        2 * (prompt + completion) - 2);
  CHECK(body.at("budget").at("tokens_per_day").is_null());
  // Bob has used nothing.
  const auto bob = http_get(host.port(), "/v1/me/usage", kBobKey).json();
  CHECK(bob.at("today").at("calls") == 0);

  const auto metrics = http_get(host.port(), "/metrics", std::nullopt).body;
  CHECK(contains(metrics, "agenthost_model_requests_total{endpoint=\"default\"} 2"));
  CHECK(contains(metrics, "agenthost_model_tokens_total{endpoint=\"default\",kind=\"prompt\"}"));
  CHECK_FALSE(contains(metrics, "alice"));
}

TEST_CASE("budgets: a call that would cross fails, a run over budget is refused, SIGHUP resets",
          "[models]") {
  FakeModelServer server;
  TempDir dir("agenthost-models");
  ::setenv("STANDIN_API_KEY", "", 1);
  const auto budgets = [&](int per_day) {
    return models_section(server) + "model_budgets:\n  tokens_per_day: " + std::to_string(per_day) +
           "\n";
  };
  const auto file = write(dir, config_text(dir, budgets(3000)));
  Daemon daemon(file);
  auto final_status = [&](const std::string& key, const std::string& id) {
    std::string status;
    REQUIRE(wait_until(
        [&] {
          status = status_of(daemon.port, key, id);
          return status != "queued" && status != "running";
        },
        30s));
    return status;
  };
  // A call that would cross the day's budget fails; the agent's error says so.
  const std::string big(16000, 'x');  // about 4000 tokens
  const auto crossing = start_run(daemon.port, kAliceKey, "assistant", {{"text", big}});
  CHECK(final_status(kAliceKey, crossing) == "failed");
  CHECK_THAT(
      str(get_run(daemon.port, kAliceKey, crossing).at("error").at("message")),
      Catch::Contains("would cross the daily model-token budget") && Catch::Contains("resets at"));
  CHECK(server.stat("requests") == 0);  // refused before anything was sent
  // A call the endpoint reports as 3500 tokens uses the budget up...
  const auto spender =
      start_run(daemon.port, kAliceKey, "assistant", {{"text", "hi [[usage=3500]]"}});
  CHECK(final_status(kAliceKey, spender) == "completed");
  // ...then the next run is refused before it starts, for this user only.
  const auto refused = post_run(daemon.port, kAliceKey, "assistant", {{"text", "hi"}});
  INFO(refused.body);
  CHECK(refused.status == 429);
  CHECK(refused.error_code() == "budget_exceeded");
  CHECK(contains(refused.body, "resets at"));
  const auto other = start_run(daemon.port, kBobKey, "assistant", {{"text", "hi"}});
  CHECK(final_status(kBobKey, other) == "completed");
  // Agents that call no model still run.
  const auto plain = start_run(daemon.port, kAliceKey, "toolcaller", {{"a", 1}});
  CHECK(final_status(kAliceKey, plain) == "completed");
  const auto usage = http_get(daemon.port, "/v1/me/usage", kAliceKey).json();
  CHECK(usage.at("budget").at("remaining_today") == 0);

  // A raised budget applies on SIGHUP.
  write_file(file, config_text(dir, budgets(1000000)));
  daemon.process->signal(SIGHUP);
  REQUIRE(wait_until(
      [&] { return contains(daemon.err(), "model_budgets.tokens_per_day: 3000 -> 1000000"); },
      30s));
  const auto again = start_run(daemon.port, kAliceKey, "assistant", {{"text", "hi"}});
  CHECK(final_status(kAliceKey, again) == "completed");
}

}  // namespace agenthost::daemon::test
