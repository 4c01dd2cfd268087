#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <system_error>

#include "notify_socket.hpp"
#include "systemd/service_notifier.hpp"

namespace systemd = agenthost::systemd;
using agenthost::testing::NotifySocket;
using systemd::Notified;
using namespace std::chrono_literals;

namespace {

// Generous: a datagram to a local socket arrives at once; this only bounds a failure.
constexpr auto kDeadline = 10s;

std::string next(NotifySocket& socket) {
  const auto n = socket.receive(kDeadline);
  REQUIRE(n.has_value());
  CHECK(n->sender_pid == ::getpid());
  return n->text;
}

// Clears the watchdog variables before and after a test.
struct WatchdogEnvironment {
  WatchdogEnvironment() { clear(); }
  ~WatchdogEnvironment() { clear(); }
  static void clear() {
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
  }
};

}  // namespace

TEST_CASE("without NOTIFY_SOCKET every notification is a no-op") {
  ::unsetenv("NOTIFY_SOCKET");
  CHECK(systemd::ready("serving") == Notified::no_socket);
  CHECK(systemd::reloading() == Notified::no_socket);
  CHECK(systemd::status("3 runs active") == Notified::no_socket);
  CHECK(systemd::watchdog_ping() == Notified::no_socket);
  CHECK(systemd::stopping() == Notified::no_socket);
}

TEST_CASE("each notification arrives on NOTIFY_SOCKET as the protocol's assignments") {
  NotifySocket socket;
  CHECK(systemd::ready() == Notified::sent);
  CHECK(next(socket) == "READY=1\n");
  CHECK(systemd::ready("listening on 127.0.0.1:8080") == Notified::sent);
  CHECK(next(socket) == "READY=1\nSTATUS=listening on 127.0.0.1:8080\n");
  CHECK(systemd::status("2 runs active, 1 queued") == Notified::sent);
  CHECK(next(socket) == "STATUS=2 runs active, 1 queued\n");
  CHECK(systemd::watchdog_ping() == Notified::sent);
  CHECK(next(socket) == "WATCHDOG=1\n");
  CHECK(systemd::reloading("reloading configuration") == Notified::sent);
  CHECK(next(socket) == "RELOADING=1\nSTATUS=reloading configuration\n");
  CHECK(systemd::stopping("draining 2 runs") == Notified::sent);
  CHECK(next(socket) == "STOPPING=1\nSTATUS=draining 2 runs\n");
}

TEST_CASE("a status text cannot smuggle in another assignment") {
  NotifySocket socket;
  systemd::status("bad\nREADY=1\r\nx");
  CHECK(next(socket) == "STATUS=bad READY=1  x\n");
}

TEST_CASE("nothing is sent while NOTIFY_SOCKET is unset") {
  NotifySocket socket;
  ::unsetenv("NOTIFY_SOCKET");
  CHECK(systemd::ready() == Notified::no_socket);
  CHECK(systemd::watchdog_ping() == Notified::no_socket);
  ::setenv("NOTIFY_SOCKET", socket.path().c_str(), 1);
  systemd::stopping();
  // Datagrams from one sender arrive in order: had anything been sent while the
  // variable was unset, it would come first.
  CHECK(next(socket) == "STOPPING=1\n");
}

TEST_CASE("a NOTIFY_SOCKET nobody listens on is an error naming it") {
  std::string path;
  {
    NotifySocket gone;
    path = gone.path();
  }
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  CHECK_THROWS_WITH(systemd::ready(),
                    Catch::Contains("NOTIFY_SOCKET=" + path) && Catch::Contains("READY=1"));
  ::setenv("NOTIFY_SOCKET", "relative/path.sock", 1);
  CHECK_THROWS_AS(systemd::watchdog_ping(), std::system_error);
  ::unsetenv("NOTIFY_SOCKET");
}

TEST_CASE("the watchdog interval is half of WATCHDOG_USEC") {
  WatchdogEnvironment env;
  CHECK_FALSE(systemd::watchdog_interval().has_value());

  ::setenv("WATCHDOG_USEC", "30000000", 1);  // WatchdogSec=30
  CHECK(systemd::watchdog_interval() == std::chrono::microseconds(15'000'000));

  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  CHECK(systemd::watchdog_interval() == 15s);
}

TEST_CASE("a watchdog meant for another process is not ours") {
  WatchdogEnvironment env;
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  // The parent's pid: a live process that is not this one.
  ::setenv("WATCHDOG_PID", std::to_string(::getppid()).c_str(), 1);
  CHECK_FALSE(systemd::watchdog_interval().has_value());
}

TEST_CASE("malformed watchdog variables are refused, naming them") {
  WatchdogEnvironment env;
  ::setenv("WATCHDOG_USEC", "thirty", 1);
  CHECK_THROWS_WITH(systemd::watchdog_interval(), Catch::Contains("WATCHDOG_USEC='thirty'"));
  ::setenv("WATCHDOG_USEC", "0", 1);
  CHECK_THROWS_AS(systemd::watchdog_interval(), std::system_error);
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", "not-a-pid", 1);
  CHECK_THROWS_WITH(systemd::watchdog_interval(), Catch::Contains("WATCHDOG_PID='not-a-pid'"));
}

TEST_CASE("with the watchdog on, each ping reaches the socket as WATCHDOG=1") {
  WatchdogEnvironment env;
  NotifySocket socket;
  ::setenv("WATCHDOG_USEC", "2000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  const auto interval = systemd::watchdog_interval();
  REQUIRE(interval == 1s);
  for (int i = 0; i < 3; ++i) {
    CHECK(systemd::watchdog_ping() == Notified::sent);
    CHECK(next(socket) == "WATCHDOG=1\n");
  }
}
