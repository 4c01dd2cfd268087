// A plugin that calls a function defined nowhere. It links (built without
// --no-undefined), but dlopen with RTLD_NOW must fail naming the symbol.

#include <agenthost/plugin.hpp>

extern "C" int agenthost_test_symbol_defined_nowhere(int);

namespace {

class Unresolved final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override {
    return agenthost_test_symbol_defined_nowhere(1);
  }
};

void register_unresolved(agenthost::Registrar& registrar) {
  registrar.add_agent<Unresolved>({.name = "unresolved", .description = "", .version = ""});
}

}  // namespace

AGENTHOST_PLUGIN("unresolved_symbol", "1.0.0", register_unresolved)
