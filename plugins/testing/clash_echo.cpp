// A valid plugin that registers an agent named "echo", like plugins/echo: loaded
// together with echo.so, the second one loaded must be refused, naming both files.

#include <agenthost/plugin.hpp>

namespace {

class OtherEcho final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override { return input; }
};

void register_clash_echo(agenthost::Registrar& registrar) {
  registrar.add_agent<OtherEcho>({.name = "echo", .description = "clashes", .version = "1.0.0"});
}

}  // namespace

AGENTHOST_PLUGIN("clash_echo", "1.0.0", register_clash_echo)
