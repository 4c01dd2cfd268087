// A plugin whose registration function registers an agent, then throws: the host
// must refuse the whole plugin and keep "half_registered" out of the registry.

#include <agenthost/plugin.hpp>

#include <stdexcept>

namespace {

class HalfRegistered final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override { return nullptr; }
};

void register_throwing(agenthost::Registrar& registrar) {
  registrar.add_agent<HalfRegistered>(
      {.name = "half_registered", .description = "", .version = ""});
  throw std::runtime_error("throwing_register fails during registration on purpose");
}

}  // namespace

AGENTHOST_PLUGIN("throwing_register", "1.0.0", register_throwing)
