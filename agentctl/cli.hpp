#pragma once
/// \file
/// agentctl as a function: arguments and environment in, text and an exit status out.
/// main() calls it with the process's streams; tests call it in process.

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "agentctl/command_line.hpp"
#include "agentctl/frame_connection.hpp"
#include "agentctl/http_client.hpp"
#include "agentctl/run_follower.hpp"

namespace agenthost::agentctl {

/// Parses `args` (after argv[0]), runs the command against the host and returns the
/// exit status (ExitCode). Output goes to `out`; errors to `err` as one line
/// "agentctl: ..." (a usage error adds the synopsis). `in` is read for --input @-.
/// Never throws.
int run_cli(const std::vector<std::string>& args, const EnvLookup& env, std::istream& in,
            std::ostream& out, std::ostream& err);

/// Runs one parsed command. Throws CommandError.
ExitCode execute(const Invocation& invocation, std::istream& in, std::ostream& out,
                 std::ostream& err);

}  // namespace agenthost::agentctl
