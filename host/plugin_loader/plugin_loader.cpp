#include "plugin_loader/plugin_loader.hpp"

#include <fmt/format.h>
#include <boost/dll/shared_library.hpp>

#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "agenthost/plugin.hpp"
#include "plugin_loader/elf_manifest.hpp"
#include "plugin_loader/manifest_check.hpp"
#include "plugin_loader/plugin_files.hpp"
#include "plugin_loader/staging_registrar.hpp"
#include "registry/plugin_failure.hpp"
#include "registry/plugin_library.hpp"

namespace agenthost::plugin_loader {

namespace {

const boost::json::value kNoConfig;

// Boost.DLL reports a failed dlopen as "load() failed (dlerror system message:
// <text>): <errno text> [generic:9]"; operators want the raw dlerror text, which
// names the missing symbol or library.
std::string dlerror_text(const std::string& what) {
  constexpr std::string_view kMarker = "(dlerror system message: ";
  const auto at = what.find(kMarker);
  if (at == std::string::npos) return what;
  std::string text = what.substr(at + kMarker.size());
  if (const auto end = text.rfind("): "); end != std::string::npos) text.resize(end);
  return text;
}

// Loads the plugins of one load_plugins call, one file at a time.
class PluginLoad {
 public:
  PluginLoad(const LoaderOptions& options, registry::AgentClassRegistry& registry)
      : options_(options), registry_(registry) {}

  void load(const PluginFile& file) {
    if (auto refusal = try_load(file)) refuse(file.path, *refusal);
  }

  // plugin_config sections must name a plugin; a typo would otherwise leave a
  // plugin silently unconfigured. Names of plugins refused for another reason
  // count as known: their own refusal already explains the problem.
  void check_config_keys() {
    for (const auto& [key, value] : options_.plugin_config) {
      if (manifest_names_.contains(key)) continue;
      std::string loaded;
      for (const auto& p : report_.loaded) loaded += (loaded.empty() ? "" : ", ") + p.name;
      report_.refused.push_back(
          {"", fmt::format("plugin_config has a section \"{}\" but no plugin is named \"{}\" "
                           "(loaded plugins: {}): fix the name or remove the section",
                           key, key, loaded.empty() ? "none" : loaded)});
    }
  }

  void add_refusals(std::vector<PluginRefusal> refusals) {
    for (auto& r : refusals) report_.refused.push_back(std::move(r));
  }

  LoadReport take_report() { return std::move(report_); }

 private:
  void refuse(const std::string& file, const std::string& why) {
    report_.refused.push_back({file, fmt::format("plugin {} refused: {}", file, why)});
  }

  // Returns why the plugin is refused, or nullopt once it is registered.
  std::optional<std::string> try_load(const PluginFile& file) {
    namespace mode = boost::dll::load_mode;
    // First from the file's bytes, so that an incompatible plugin is refused before
    // any of its code runs (a plugin from an older SDK has no such data: then the
    // check below, after loading, is the only one).
    if (const auto early = manifest_from_elf_file(file.path))
      if (auto mismatch = check_manifest(read_manifest(&*early))) return mismatch->message();
    boost::dll::shared_library library;
    try {
      // RTLD_NOW: an unresolved symbol fails here, at startup, not on the first
      // request. RTLD_LOCAL: plugins cannot see (or interpose on) each other's symbols.
      library.load(boost::dll::fs::path(file.path), mode::rtld_now | mode::rtld_local);
    } catch (const std::exception& e) {
      return fmt::format(
          "cannot be loaded: {} (is it a plugin built for this host, with every "
          "library it needs installed?)",
          dlerror_text(e.what()));
    }

    // dlopen above has run the file's ELF initialisers (its static constructors,
    // .init_array), those of every library it needs that was not loaded yet, and,
    // binding RTLD_NOW, its IFUNC resolvers: for a plugin whose manifest is in its
    // bytes only after the check above passed. Of the plugin's entry points the
    // manifest is the only one called before the checks pass. What may be loaded at
    // all is decided before: plugin_files.cpp refuses files others can write.
    if (!library.has(agenthost::kManifestSymbol))
      return fmt::format("does not export {}: was it built with AGENTHOST_PLUGIN?",
                         agenthost::kManifestSymbol);
    const auto& manifest_fn =
        library.get_alias<agenthost::ManifestFunction>(agenthost::kManifestSymbol);
    const agenthost::PluginManifest* raw = manifest_fn();
    if (raw == nullptr)
      return fmt::format("{} returned no manifest: build the plugin with AGENTHOST_PLUGIN",
                         agenthost::kManifestSymbol);
    const agenthost::PluginManifest manifest = read_manifest(raw);
    if (auto mismatch = check_manifest(manifest)) return mismatch->message();

    const std::string name = manifest.plugin_name;  // NUL-terminated: checked above
    manifest_names_.insert(name);
    if (auto it = files_by_name_.find(name); it != files_by_name_.end())
      return fmt::format(
          "plugin name \"{}\" is already used by {}: load only one of them, or "
          "give one another name in AGENTHOST_PLUGIN",
          name, it->second);
    if (!library.has(agenthost::kRegisterSymbol))
      return fmt::format("does not export {}: was it built with AGENTHOST_PLUGIN?",
                         agenthost::kRegisterSymbol);
    auto& register_fn = library.get_alias<agenthost::RegisterFunction>(agenthost::kRegisterSymbol);

    auto plugin_library =
        std::make_shared<const registry::PluginLibrary>(std::move(library), file.path, manifest);
    const auto config_it = options_.plugin_config.find(name);
    const boost::json::value& config =
        config_it == options_.plugin_config.end() ? kNoConfig : config_it->second;
    // Declared after plugin_library, so on refusal the staged entries (whose code is
    // in the plugin) are destroyed before the library can be unloaded.
    StagingRegistrar staging(registry_, {name, file.path, plugin_library}, config);
    try {
      register_fn(staging);
    } catch (...) {
      // Copied while the library (and the exception's code) is still loaded.
      return registry::current_plugin_failure("its registration function").message;
    }
    if (const auto& error = staging.first_error())
      return fmt::format("its registration failed: {}", *error);

    LoadedPlugin loaded{name, plugin_library->version(), file.path, manifest, {}, {}};
    for (const auto& a : staging.agents()) loaded.agents.push_back(a.info.name);
    for (const auto& t : staging.tools()) loaded.tools.push_back(t.info.name);
    try {
      registry_.add_all(std::move(staging.agents()), std::move(staging.tools()));
    } catch (const registry::RegistryError& e) {
      return e.what();
    }
    files_by_name_.emplace(name, file.path);
    report_.loaded.push_back(std::move(loaded));
    return std::nullopt;
  }

  const LoaderOptions& options_;
  registry::AgentClassRegistry& registry_;
  LoadReport report_;
  std::map<std::string, std::string> files_by_name_;   // loaded plugins only
  std::set<std::string, std::less<>> manifest_names_;  // every valid manifest seen
};

std::string summary(const std::vector<PluginRefusal>& refusals) {
  std::string text = fmt::format(
      "{} plugin problem{} (plugins.on_error is fail, so the host "
      "does not start):",
      refusals.size(), refusals.size() == 1 ? "" : "s");
  for (const auto& r : refusals) text += "\n  " + r.reason;
  return text;
}

}  // namespace

PluginLoadError::PluginLoadError(std::vector<PluginRefusal> refusals)
    : std::runtime_error(summary(refusals)), refusals_(std::move(refusals)) {}

LoadReport load_plugins(const LoaderOptions& options, registry::AgentClassRegistry& registry) {
  if (registry.frozen())
    throw std::logic_error("load_plugins: the registry is already frozen; load plugins first");
  auto files = list_plugin_files(options.sources);
  PluginLoad load(options, registry);
  load.add_refusals(std::move(files.refused));
  for (const auto& file : files.files) load.load(file);
  load.check_config_keys();
  auto report = load.take_report();
  if (options.on_error == OnError::fail && !report.refused.empty())
    throw PluginLoadError(std::move(report.refused));
  return report;
}

}  // namespace agenthost::plugin_loader
