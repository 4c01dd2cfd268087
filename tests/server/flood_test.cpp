// An unauthenticated flood: thousands of idle and slow sockets (never a request,
// headers never finished, a 1 MiB body announced and never sent) while users' runs
// complete. The host holds at most server.max_unauthenticated_connections of them,
// and authenticated connections, old or new, are served throughout.

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <memory>
#include <string>
#include <vector>

#include "server/ws_helpers.hpp"
#include "support/wait_until.hpp"

using namespace agenthost::server::test;
using agenthost::testing::wait_until;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kCap = 200;

// Sockets that connect, maybe send something, and then never read nor write again.
class Flood {
 public:
  explicit Flood(std::uint16_t port) : endpoint_(net::ip::make_address("127.0.0.1"), port) {}

  void open(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      auto& socket = sockets_.emplace_back(io_);
      socket.connect(endpoint_);
      switch (sockets_.size() % 3) {
        case 0:  // idle: never a byte
          break;
        case 1:  // slow: headers started and never finished
          net::write(socket,
                     net::buffer(std::string_view("POST /v1/runs HTTP/1.1\r\nHost: x\r\n")));
          break;
        default:  // a large body announced, without credentials, and never sent
          net::write(socket, net::buffer(std::string_view("POST /v1/runs HTTP/1.1\r\nHost: x\r\n"
                                                          "Content-Length: 1048576\r\n\r\n")));
          break;
      }
    }
  }
  std::size_t size() const { return sockets_.size(); }

 private:
  net::io_context io_;
  const tcp::endpoint endpoint_;
  std::vector<tcp::socket> sockets_;
};

}  // namespace

TEST_CASE("an unauthenticated flood is held to the cap while users' runs complete") {
  TestHost host([](TestHostSettings& s) {
    s.server.max_unauthenticated_connections = kCap;
    s.server.handshake_timeout = 30s;  // the cap, not the timeout, must hold the flood
  });
  // A user connected before the flood.
  auto early = WsClient::connect(host.port(), as_user("early"));

  Flood flood(host.port());
  flood.open(1500);
  // The host keeps at most kCap of them, plus the user's WebSocket.
  CHECK(wait_until([&] { return host.server->connection_count() <= kCap + 1; }));

  // Users arriving during the flood are served, over HTTP and WebSocket.
  std::vector<std::pair<std::string, std::string>> runs;  // (user, run)
  for (const std::string user : {"alice", "bob", "carol"})
    for (int i = 0; i < 5; ++i)
      runs.emplace_back(user, start_run_over_http(host, user, {{"agent", "echo"}, {"input", i}}));
  auto late = WsClient::connect(host.port(), as_user("late"));
  const auto late_run = start_run_ws(*late, "chatty", {{"count", 200}});

  // A second wave while the WebSocket runs stream: open connections are not evicted.
  const auto early_run = start_run_ws(*early, "chatty", {{"count", 200}});
  flood.open(500);
  for (auto* ws : {early.get(), late.get()}) {
    const auto& run = ws == early.get() ? early_run : late_run;
    const auto frames =
        ws->read_until([&](const boost::json::object& f) { return is_terminal_of(f, run); });
    check_consecutive(events_of(frames, run), run, 0);
  }
  for (const auto& [user, run] : runs) CHECK(host.wait_final(run, user).status == "completed");
  CHECK(host.wait_final(early_run, "early").status == "completed");
  CHECK(host.wait_final(late_run, "late").status == "completed");
  CHECK(flood.size() == 2000);
  CHECK(wait_until([&] { return host.server->connection_count() <= kCap + 2; }));
}
