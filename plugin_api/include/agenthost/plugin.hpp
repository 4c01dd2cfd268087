#pragma once
/// \file
/// The one header a plugin includes, and the one macro it uses once:
///
///     void register_agents(agenthost::Registrar& r) { r.add_agent<Echo>({...}); }
///     AGENTHOST_PLUGIN("echo", "1.0.0", register_agents)
///
/// The macro exports two entry points through Boost.DLL aliases:
///  - agenthost_plugin_manifest: `const agenthost::PluginManifest* ()`, which the host
///    calls first and checks field by field before it calls anything else;
///  - agenthost_plugin_register: `void (agenthost::Registrar&)`;
/// and the manifest itself as constant data, agenthost_plugin_manifest_data, which the
/// host reads from the file and checks before it loads the file (loading runs the
/// plugin's static constructors).

#include <boost/dll/alias.hpp>

#include <type_traits>

#include "agenthost/agent.hpp"
#include "agenthost/event_emitter.hpp"
#include "agenthost/execution_context.hpp"
#include "agenthost/manifest.hpp"
#include "agenthost/registrar.hpp"
#include "agenthost/sdk_version.hpp"
#include "agenthost/tool_dispatcher.hpp"

namespace agenthost {

/// The signatures the host imports. Changing them is an ABI major change.
using ManifestFunction = const PluginManifest*() noexcept;
using RegisterFunction = void(Registrar&);

inline constexpr const char* kManifestSymbol = "agenthost_plugin_manifest";
inline constexpr const char* kRegisterSymbol = "agenthost_plugin_register";
inline constexpr const char* kManifestDataSymbol = "agenthost_plugin_manifest_data";

}  // namespace agenthost

#define AGENTHOST_PLUGIN(PLUGIN_NAME, PLUGIN_VERSION, REGISTER_FN)                                 \
  static_assert(sizeof(PLUGIN_NAME) <= sizeof(::agenthost::PluginManifest{}.plugin_name),          \
                "AGENTHOST_PLUGIN: the plugin name is longer than 63 characters");                 \
  static_assert(sizeof(PLUGIN_VERSION) <= sizeof(::agenthost::PluginManifest{}.plugin_version),    \
                "AGENTHOST_PLUGIN: the plugin version is longer than 31 characters");              \
  static_assert(std::is_same_v<decltype(REGISTER_FN), ::agenthost::RegisterFunction>,              \
                "AGENTHOST_PLUGIN: the registration function must be "                             \
                "`void " #REGISTER_FN "(agenthost::Registrar&)`");                                 \
  /* Constant data: its bytes are in the file, readable without loading it. */                     \
  extern "C" BOOST_SYMBOL_EXPORT const ::agenthost::PluginManifest agenthost_plugin_manifest_data; \
  constexpr ::agenthost::PluginManifest agenthost_plugin_manifest_data =                           \
      ::agenthost::detail::build_manifest(PLUGIN_NAME, PLUGIN_VERSION);                            \
  namespace agenthost_plugin_entry {                                                               \
  /* Names an author would not pick: an unqualified REGISTER_FN must never find these. */          \
  static const ::agenthost::PluginManifest* agenthost_entry_manifest_() noexcept {                 \
    return &agenthost_plugin_manifest_data;                                                        \
  }                                                                                                \
  static void agenthost_entry_register_(::agenthost::Registrar& registrar) {                       \
    REGISTER_FN(registrar);                                                                        \
  }                                                                                                \
  static_assert(                                                                                   \
      std::is_same_v<decltype(agenthost_entry_manifest_), ::agenthost::ManifestFunction>);         \
  static_assert(                                                                                   \
      std::is_same_v<decltype(agenthost_entry_register_), ::agenthost::RegisterFunction>);         \
  BOOST_DLL_ALIAS(agenthost_plugin_entry::agenthost_entry_manifest_, agenthost_plugin_manifest)    \
  BOOST_DLL_ALIAS(agenthost_plugin_entry::agenthost_entry_register_, agenthost_plugin_register)    \
  }
