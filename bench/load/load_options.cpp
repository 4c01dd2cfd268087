#include "load_options.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "noop_run_shape.hpp"

namespace agenthost::bench::load {
namespace {

long long integer(const std::string& option, const std::string& text, long long min,
                  long long max) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty())
    throw std::invalid_argument(option + ": expected an integer, got '" + text + "'");
  if (value < min || value > max)
    throw std::invalid_argument(option + ": " + text + " is out of range " + std::to_string(min) +
                                " .. " + std::to_string(max));
  return value;
}

double seconds_or_rate(const std::string& option, const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(value >= 0))
    throw std::invalid_argument(option + ": expected a non-negative number, got '" + text + "'");
  return value;
}

std::chrono::milliseconds seconds(const std::string& option, const std::string& text) {
  return std::chrono::milliseconds(static_cast<long long>(seconds_or_rate(option, text) * 1000));
}

std::string read_secret(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::invalid_argument("--jwt-secret-file: cannot read " + path);
  std::string secret;
  std::getline(file, secret);
  return secret;
}

}  // namespace

const char* load_usage() {
  return R"(agenthost_load: drives an agenthost (or the bare transport server) with users that
start runs of the no-op agent over WebSockets, and checks every frame it gets back.

  agenthost_load --port P [options] --mode closed --users N [--in-flight K]
  agenthost_load --port P [options] --mode open --users N --rate R
  agenthost_load --port P [options] --mode idle --connections M [--users N]
  agenthost_load --port P [options] --mode burst --users N --in-flight K --wait-ms W

  --host ADDR            server address (default 127.0.0.1)
  --port P               server port (required)
  --jwt-secret-file F    HS256 secret the users' tokens are signed with (default: the
                         environment variable AGENTHOST_JWT_SECRET)
  --users N              users, each on its own connection (default 1)
  --in-flight K          closed: runs each user keeps in flight (default 1);
                         burst: runs each user starts at once
  --rate R               open: runs started per second, all users together
  --connections M        idle: connections to open, spread over the users
  --events E             agent_thinking events per run (default 5)
  --wait-ms W            each run first waits W ms in the agent (context().sleep_for);
                         0 (default) sends no wait_ms and keeps the plain no-op run
  --ready-file F         burst: create F once every run has started (all are waiting)
  --threads T            client io threads (default 2)
  --warmup S --duration S --drain S --settle S   seconds (defaults 2, 10, 30, 3);
                         burst: the wave must end within --drain
  --server-pid PID       report this process's resident memory (the server's)
  --label TEXT           scenario name in the report
  --json FILE            write the result as JSON

Exit status: 0 all runs completed and checked; 1 errors (refused or failed runs,
dropped connections); 2 a frame broke the protocol (wrong user's run, seq gap or
repeat, event after the terminal one); 64 bad usage.
)";
}

LoadOptions parse_load_options(const std::vector<std::string>& args) {
  LoadOptions o;
  if (const char* secret = std::getenv("AGENTHOST_JWT_SECRET")) o.jwt_secret = secret;
  bool have_port = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& option = args[i];
    const auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(option + ": needs a value");
      return args[++i];
    };
    if (option == "--host") {
      o.server.host = value();
    } else if (option == "--port") {
      o.server.port = static_cast<std::uint16_t>(integer(option, value(), 1, 65535));
      have_port = true;
    } else if (option == "--mode") {
      const auto& mode = value();
      if (mode == "closed")
        o.mode = LoadMode::closed;
      else if (mode == "open")
        o.mode = LoadMode::open;
      else if (mode == "idle")
        o.mode = LoadMode::idle;
      else if (mode == "burst")
        o.mode = LoadMode::burst;
      else
        throw std::invalid_argument("--mode: '" + mode + "' is not closed, open, idle or burst");
    } else if (option == "--users") {
      o.users = static_cast<int>(integer(option, value(), 1, 1'000'000));
    } else if (option == "--in-flight") {
      o.in_flight = static_cast<int>(integer(option, value(), 1, 100'000));
    } else if (option == "--rate") {
      o.rate = seconds_or_rate(option, value());
    } else if (option == "--connections") {
      o.connections = static_cast<int>(integer(option, value(), 1, 1'000'000));
    } else if (option == "--events") {
      o.agent_events = static_cast<int>(integer(option, value(), 0, kMaxAgentEvents));
    } else if (option == "--wait-ms") {
      o.wait_ms = static_cast<int>(integer(option, value(), 0, kMaxWaitMs));
    } else if (option == "--ready-file") {
      o.ready_file = value();
    } else if (option == "--threads") {
      o.threads = static_cast<int>(integer(option, value(), 1, 256));
    } else if (option == "--warmup") {
      o.warmup = seconds(option, value());
    } else if (option == "--duration") {
      o.duration = seconds(option, value());
    } else if (option == "--drain") {
      o.drain = seconds(option, value());
    } else if (option == "--settle") {
      o.settle = seconds(option, value());
    } else if (option == "--server-pid") {
      o.server_pid = static_cast<int>(integer(option, value(), 1, 1 << 30));
    } else if (option == "--jwt-secret-file") {
      o.jwt_secret = read_secret(value());
    } else if (option == "--user-prefix") {
      o.user_prefix = value();
    } else if (option == "--label") {
      o.label = value();
    } else if (option == "--json") {
      o.json_file = value();
    } else {
      throw std::invalid_argument("unknown option '" + option + "' (try --help)");
    }
  }
  if (!have_port) throw std::invalid_argument("--port is required");
  if (o.mode == LoadMode::open && !(o.rate > 0))
    throw std::invalid_argument("--mode open needs --rate R > 0");
  if (o.mode == LoadMode::idle && o.connections == 0)
    throw std::invalid_argument("--mode idle needs --connections M");
  if (o.duration.count() <= 0) throw std::invalid_argument("--duration must be above 0");
  if (o.jwt_secret.empty())
    throw std::invalid_argument(
        "no JWT secret: give --jwt-secret-file or set AGENTHOST_JWT_SECRET");
  return o;
}

}  // namespace agenthost::bench::load
