// agenthostd: the agent host daemon.
#include <iostream>
#include <string>
#include <vector>

#include "agenthost/sdk_version.hpp"
#include "daemon/command_line.hpp"
#include "daemon/commands.hpp"
#include "daemon/signals.hpp"

#ifndef AGENTHOST_VERSION
#define AGENTHOST_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the blocked mask.
  agenthost::daemon::block_host_signals();

  using agenthost::daemon::Mode;
  agenthost::daemon::CommandLine command;
  try {
    command =
        agenthost::daemon::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const agenthost::daemon::UsageError& e) {
    std::cerr << "agenthostd: " << e.what() << "\n" << agenthost::daemon::usage_text();
    return 2;
  }
  switch (command.mode) {
    case Mode::help:
      std::cout << agenthost::daemon::usage_text();
      return 0;
    case Mode::version:
      std::cout << "agenthostd " << AGENTHOST_VERSION << " (plugin SDK ABI "
                << agenthost::kSdkAbiMajor << "." << agenthost::kSdkAbiMinor << ")\n";
      return 0;
    case Mode::check_config:
      return agenthost::daemon::check_config(command.path);
    case Mode::check_plugin:
      return agenthost::daemon::check_plugin(command.path);
    case Mode::issue_token:
      return agenthost::daemon::issue_token(command.path, command.user, command.ttl);
    case Mode::serve:
      return agenthost::daemon::serve(command.path);
  }
  return 2;
}
