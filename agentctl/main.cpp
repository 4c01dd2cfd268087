// agentctl: the command-line client of agenthost. Everything is in run_cli().
#include <cstdlib>
#include <iostream>

#include "agentctl/cli.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto env = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  return agenthost::agentctl::run_cli(args, env, std::cin, std::cout, std::cerr);
}
