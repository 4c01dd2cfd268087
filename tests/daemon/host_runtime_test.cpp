// HostRuntime's shutdown when events cannot be stored: stop() says so (after stopping
// everything), and the destructor, which must not throw, logs it instead of
// std::terminate.
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include "config/host_config.hpp"
#include "daemon/host_runtime.hpp"
#include "daemon_harness.hpp"

using namespace agenthost;
using namespace agenthost::daemon::test;

namespace {

// A host on SQLite files in `dir`, started, whose events table is then taken away:
// the event log keeps the run's events (and its final status, written after them)
// queued and flush() throws. The run has started; stop() gives up waiting for its
// status a few seconds after the (short) drain.
struct LosingHost {
  std::unique_ptr<daemon::HostRuntime> runtime;
  std::uint16_t port = 0;
};

LosingHost host_losing_events(const TempDir& dir) {
  ConfigText text;
  text.database_url = "sqlite:" + (dir.path() / "host.db").string();
  text.server_extra = "  runs_per_second_per_user: 0\n  drain_timeout: 0s\n";
  // This test program is not agenthostd: the worker program is named.
  text.extra = "workers:\n  executable: \"" AGENTHOST_WORKER_PATH "\"\n";
  const auto cfg = config::load_config_file(write_config(dir, text).string());
  auto runtime = std::make_unique<daemon::HostRuntime>(cfg);
  const auto port = runtime->start();
  {
    soci::session db("sqlite3", "db=" + (dir.path() / "host.db").string());
    db << "DROP TABLE events";
  }
  const auto run = start_run(port, kAliceKey, "chatty", {{"count", 1}});
  REQUIRE(wait_until([&] { return status_of(port, kAliceKey, run) == "running"; }, 30s));
  return {std::move(runtime), port};
}

}  // namespace

TEST_CASE("HostRuntime::stop reports events it could not store, after stopping",
          "[daemon][shutdown]") {
  TempDir dir;
  auto host = host_losing_events(dir);
  CHECK_THROWS_WITH(host.runtime->stop(), Catch::Contains("event log: events are not yet stored"));
  // Everything stopped all the same: the listener is closed.
  CHECK_THROWS(http_get(host.port, "/healthz", std::nullopt));
  CHECK_NOTHROW(host.runtime->stop());  // stopped: idempotent
}

TEST_CASE("HostRuntime's destructor logs a failed event flush instead of terminating",
          "[daemon][shutdown]") {
  TempDir dir;
  auto host = host_losing_events(dir);
  // Before the fix: the flush's DatabaseError left the destructor -> std::terminate.
  host.runtime.reset();
  SUCCEED("destroyed without std::terminate");
}
