// A plugin whose manifest is built by hand, with the two Boost.DLL aliases written
// out instead of AGENTHOST_PLUGIN, so a test can give it a wrong field:
//   TEST_ABI_MAJOR=<n>        abi_major n instead of the SDK's
//   TEST_ABI_MINOR_BUMP=<n>   abi_minor the SDK's + n (a plugin newer than the host)
//   TEST_NO_REGISTER_ALIAS    no agenthost_plugin_register export
// If the host ever calls the registration function, an agent named after the
// plugin appears in the registry, which the tests check for.

#include <agenthost/plugin.hpp>

namespace {

class NeverRun final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override { return nullptr; }
};

const agenthost::PluginManifest* manifest() noexcept {
  static const agenthost::PluginManifest kManifest = [] {
    auto m = agenthost::detail::build_manifest(TEST_PLUGIN_NAME, "1.0.0");
#ifdef TEST_ABI_MAJOR
    m.abi_major = TEST_ABI_MAJOR;
#endif
#ifdef TEST_ABI_MINOR_BUMP
    m.abi_minor = agenthost::kSdkAbiMinor + TEST_ABI_MINOR_BUMP;
#endif
    return m;
  }();
  return &kManifest;
}

[[maybe_unused]] void register_hand_built(agenthost::Registrar& registrar) {
  registrar.add_agent<NeverRun>({.name = TEST_PLUGIN_NAME, .description = "", .version = ""});
}

}  // namespace

BOOST_DLL_ALIAS(manifest, agenthost_plugin_manifest)
#ifndef TEST_NO_REGISTER_ALIAS
BOOST_DLL_ALIAS(register_hand_built, agenthost_plugin_register)
#endif
