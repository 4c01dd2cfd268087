// echo: the smallest useful agenthost plugin. Copy this file to start your own.
//
// A plugin is a shared library that declares agent classes (and optionally tools)
// once, at host startup. For every request the host makes a fresh instance of the
// agent class, calls run() once on a worker thread, then destroys the instance, so
// an agent keeps per-run state in members and never in globals.

#include <agenthost/plugin.hpp>

namespace {

class EchoAgent final : public agenthost::Agent {
 public:
  // The services (context, events, db, tools) belong to this run only.
  using Agent::Agent;

  boost::json::value run(const boost::json::value& input) override {
    // Events reach only the user who started this run.
    events().thinking("echoing input");
    return input;  // becomes the result of the run's agent_completed event
  }
};

// Called once by the host at startup; the name must be unique across all plugins.
void register_echo(agenthost::Registrar& registrar) {
  registrar.add_agent<EchoAgent>(
      {.name = "echo", .description = "Returns its input unchanged", .version = "1.0.0"});
}

}  // namespace

// Exports the manifest the host checks before trusting this library, and the
// registration function above.
AGENTHOST_PLUGIN("echo", "1.0.0", register_echo)
