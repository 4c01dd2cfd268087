// TestRegistry: the host's AgentClassRegistry, filled by the host's plugin loader or
// through the host's StagingRegistrar.

#include "agenthost/testing/test_registry.hpp"

#include <boost/dll/shared_library.hpp>

#include <agenthost/plugin.hpp>

#include <optional>
#include <utility>

#include "access.hpp"
#include "plugin_loader/manifest_check.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "plugin_loader/staging_registrar.hpp"
#include "registry/plugin_failure.hpp"

namespace agenthost::testing {

namespace {

constexpr const char* kInTest = "(linked into the test)";

// plugins.config is keyed by the manifest's plugin name, which the test does not
// repeat: read it first. Any problem is left for the loader to report. The returned
// library keeps the file open until the loader has it, so it is initialised once.
std::optional<std::string> manifest_name(const std::filesystem::path& file,
                                         boost::dll::shared_library& keep_open) {
  namespace mode = boost::dll::load_mode;
  try {
    keep_open.load(boost::dll::fs::path(file.string()), mode::rtld_now | mode::rtld_local);
    if (!keep_open.has(agenthost::kManifestSymbol)) return std::nullopt;
    const auto& fn = keep_open.get_alias<agenthost::ManifestFunction>(agenthost::kManifestSymbol);
    const agenthost::PluginManifest* raw = fn();
    if (raw == nullptr) return std::nullopt;
    const auto manifest = plugin_loader::read_manifest(raw);
    if (plugin_loader::check_manifest(manifest)) return std::nullopt;
    return std::string(manifest.plugin_name);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string refusal(const std::string& who, const std::string& why) {
  return "plugin " + who + " refused: " + why;
}

}  // namespace

struct TestRegistry::Impl {
  void check_open(const char* what) const {
    if (registry.frozen())
      throw std::logic_error(std::string("TestRegistry::") + what +
                             ": registration has ended (the first run froze the registry, as "
                             "the host does before its first request); register everything "
                             "before the first run");
  }

  registry::AgentClassRegistry registry;
};

TestRegistry::TestRegistry() : impl_(std::make_shared<Impl>()) {}

TestRegistry::~TestRegistry() = default;

RegisteredPlugin TestRegistry::load_plugin(const std::filesystem::path& file,
                                           boost::json::value plugin_config) {
  impl_->check_open("load_plugin");
  if (std::filesystem::is_directory(file))
    throw std::invalid_argument("TestRegistry::load_plugin: " + file.string() +
                                " is a directory; pass one plugin .so file");
  plugin_loader::LoaderOptions options;
  options.sources.push_back({file.string(), "TestRegistry::load_plugin"});
  options.on_error = plugin_loader::OnError::fail;
  boost::dll::shared_library keep_open;
  if (!plugin_config.is_null()) {
    if (auto name = manifest_name(file, keep_open))
      options.plugin_config.emplace(*name, std::move(plugin_config));
  }
  plugin_loader::LoadReport report;
  try {
    report = plugin_loader::load_plugins(options, impl_->registry);
  } catch (const plugin_loader::PluginLoadError& e) {
    std::string reasons;
    for (const auto& r : e.refusals()) reasons += (reasons.empty() ? "" : "\n") + r.reason;
    throw PluginRefused(reasons);
  }
  auto& loaded = report.loaded.at(0);
  return RegisteredPlugin{loaded.name,     loaded.version,           loaded.file,
                          loaded.manifest, std::move(loaded.agents), std::move(loaded.tools)};
}

RegisteredPlugin TestRegistry::register_plugin(
    std::string plugin_name, const std::function<void(agenthost::Registrar&)>& register_fn,
    boost::json::value plugin_config) {
  impl_->check_open("register_plugin");
  const std::string who = plugin_name + " " + kInTest;
  plugin_loader::StagingRegistrar staging(impl_->registry, {plugin_name, kInTest, nullptr},
                                          plugin_config);
  try {
    register_fn(staging);
  } catch (...) {
    throw PluginRefused(refusal(
        who, agenthost::registry::current_plugin_failure("its registration function").message));
  }
  if (const auto& error = staging.first_error())
    throw PluginRefused(refusal(who, "its registration failed: " + *error));
  RegisteredPlugin out{plugin_name, "", "", {}, {}, {}};
  for (const auto& a : staging.agents()) out.agents.push_back(a.info.name);
  for (const auto& t : staging.tools()) out.tools.push_back(t.info.name);
  try {
    impl_->registry.add_all(std::move(staging.agents()), std::move(staging.tools()));
  } catch (const registry::RegistryError& e) {
    throw PluginRefused(refusal(who, e.what()));
  }
  return out;
}

void TestRegistry::add_agent(agenthost::AgentInfo info, agenthost::AgentFactory factory) {
  register_plugin(
      "test", [&](agenthost::Registrar& r) { r.add_agent(std::move(info), std::move(factory)); });
}

void TestRegistry::add_tool(agenthost::ToolInfo info, agenthost::ToolHandler handler) {
  register_plugin(
      "test", [&](agenthost::Registrar& r) { r.add_tool(std::move(info), std::move(handler)); });
}

std::vector<std::string> TestRegistry::agent_names() const {
  std::vector<std::string> out;
  for (const auto* a : impl_->registry.agents()) out.push_back(a->info.name);
  return out;
}

std::vector<std::string> TestRegistry::tool_names() const {
  std::vector<std::string> out;
  for (const auto* t : impl_->registry.tools()) out.push_back(t->info.name);
  return out;
}

void TestRegistry::freeze() { impl_->registry.freeze(); }

bool TestRegistry::frozen() const noexcept { return impl_->registry.frozen(); }

registry::AgentClassRegistry& detail::Access::host_registry(TestRegistry& registry) {
  return registry.impl_->registry;
}

std::shared_ptr<const void> detail::Access::keep_alive(const TestRegistry& registry) {
  return registry.impl_;
}

}  // namespace agenthost::testing
