#include "daemon/command_line.hpp"

#include <utility>

namespace agenthost::daemon {

namespace {

struct ModeOption {
  const char* flag;
  Mode mode;
  bool takes_path;
};

constexpr ModeOption kOptions[] = {
    {"--config", Mode::serve, true},
    {"--check-config", Mode::check_config, true},
    {"--check-plugin", Mode::check_plugin, true},
    {"--version", Mode::version, false},
    {"--help", Mode::help, false},
};

}  // namespace

namespace {

/// --issue-token USER --config FILE [--ttl DURATION], in any order.
CommandLine parse_issue_token(const std::vector<std::string>& args) {
  CommandLine cl;
  cl.mode = Mode::issue_token;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    const auto& flag = args[i];
    if (i + 1 >= args.size() || args[i + 1].empty()) throw UsageError(flag + " needs a value");
    const auto& value = args[i + 1];
    if (flag == "--issue-token") {
      cl.user = value;
    } else if (flag == "--config") {
      cl.path = value;
    } else if (flag == "--ttl") {
      cl.ttl = value;
    } else {
      throw UsageError("unexpected argument '" + flag + "' with --issue-token");
    }
  }
  if (cl.path.empty()) throw UsageError("--issue-token needs --config FILE (for the JWT secret)");
  return cl;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("no option given; start the host with --config FILE");
  for (const auto& a : args)
    if (a == "--issue-token") return parse_issue_token(args);
  std::string arg = args[0];
  std::string value;
  bool value_inline = false;
  if (auto eq = arg.find('='); eq != std::string::npos) {
    value = arg.substr(eq + 1);
    arg.resize(eq);
    value_inline = true;
  }
  for (const auto& option : kOptions) {
    if (arg != option.flag) continue;
    CommandLine cl;
    cl.mode = option.mode;
    std::size_t consumed = 1;
    if (option.takes_path) {
      if (value_inline) {
        cl.path = std::move(value);
      } else if (args.size() > 1) {
        cl.path = args[1];
        consumed = 2;
      }
      if (cl.path.empty()) throw UsageError(std::string(option.flag) + " needs a file argument");
    } else if (value_inline) {
      throw UsageError(std::string(option.flag) + " takes no value");
    }
    if (args.size() > consumed)
      throw UsageError("unexpected argument '" + args[consumed] + "' after " + option.flag);
    return cl;
  }
  throw UsageError("unknown option '" + args[0] + "' (see agenthostd --help)");
}

std::string usage_text() {
  return "usage: agenthostd --config FILE        start the host\n"
         "       agenthostd --check-config FILE  validate FILE and load its plugins, then exit\n"
         "       agenthostd --check-plugin FILE  load one plugin .so in isolation and describe it\n"
         "       agenthostd --issue-token USER --config FILE [--ttl 24h]\n"
         "                                       print a JWT for USER signed with the config's "
         "secret\n"
         "       agenthostd --version | --help\n"
         "Exit status: 0 on success, 1 when the configuration or a plugin is refused, 2 on usage "
         "errors.\n";
}

}  // namespace agenthost::daemon
