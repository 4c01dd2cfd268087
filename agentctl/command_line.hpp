#pragma once
/// \file
/// agentctl's command line: the commands, their options, and the environment
/// (AGENTHOST_URL, AGENTHOST_TOKEN). Pure: the environment comes in as a function.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agentctl/host_url.hpp"

namespace agenthost::agentctl {

/// Options every command takes.
struct GlobalOptions {
  HostUrl host;                      ///< --url, else AGENTHOST_URL, else kDefaultHostUrl
  std::optional<std::string> token;  ///< --token, else AGENTHOST_TOKEN (empty = none)
  bool json = false;                 ///< --json: raw JSON (frames, bodies), one per line
};

struct ShowHelp {};
/// agentctl agents
struct ListAgents {};
/// agentctl run AGENT [--thread T] [--input JSON|@FILE] [--strategy S]
struct StartRun {
  std::string agent;
  std::optional<std::string> thread_id;
  /// The --input argument as written (inline JSON, @FILE or @- for stdin); absent: {}.
  std::optional<std::string> input;
  std::optional<std::string> strategy;  ///< enqueue, reject or interrupt
};
/// agentctl runs show ID
struct ShowRun {
  std::string run_id;
};
/// agentctl cancel ID
struct CancelRun {
  std::string run_id;
};
/// agentctl answer ID --input JSON|@FILE|@-
struct AnswerRun {
  std::string run_id;
  std::string input;  ///< as written (inline JSON, @FILE or @-)
};
/// agentctl events ID [--after N] [--follow]
struct ListEvents {
  std::string run_id;
  std::uint64_t after = 0;
  bool follow = false;
};

using Command =
    std::variant<ShowHelp, ListAgents, StartRun, ShowRun, CancelRun, AnswerRun, ListEvents>;

struct Invocation {
  Command command;
  GlobalOptions options;
};

/// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Parses the arguments after argv[0]. Options may come before or after the command,
/// as `--name value` or `--name=value`; `--` ends the options. --help or -h anywhere
/// gives ShowHelp. Throws CommandError(usage) with one line naming the problem (and a
/// "did you mean" for a near miss).
Invocation parse_command_line(const std::vector<std::string>& args, const EnvLookup& env);

/// The full help text (--help).
std::string_view help_text() noexcept;
/// The short synopsis printed after a usage error.
std::string_view usage_synopsis() noexcept;

}  // namespace agenthost::agentctl
