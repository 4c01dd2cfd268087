#pragma once
/// \file
/// PluginLibrary: one loaded plugin file. Every registry entry, and later every
/// agent instance, holds a shared_ptr to the library its code came from, so the
/// file stays mapped while anything made from it lives.

#include <boost/dll/shared_library.hpp>

#include <string>

#include "agenthost/manifest.hpp"

namespace agenthost::registry {

/// Owns the dlopen handle of one plugin file, with what the host learned about it.
/// Immutable once made; shared between threads only as `shared_ptr<const
/// PluginLibrary>`. The destructor unloads the file, so it must run only after
/// every object whose code lives in the file (factories, tool handlers, agents) is
/// gone: holding the shared_ptr is how they guarantee it.
class PluginLibrary {
 public:
  /// Takes over `library` (already loaded and checked). `file` is the path it was
  /// loaded from, `manifest` a copy of the manifest the host checked.
  PluginLibrary(boost::dll::shared_library library, std::string file,
                const agenthost::PluginManifest& manifest);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const std::string& file() const noexcept { return file_; }
  /// The manifest's plugin_name and plugin_version.
  const std::string& name() const noexcept { return name_; }
  const std::string& version() const noexcept { return version_; }
  const agenthost::PluginManifest& manifest() const noexcept { return manifest_; }
  const boost::dll::shared_library& library() const noexcept { return library_; }

 private:
  boost::dll::shared_library library_;
  std::string file_;
  agenthost::PluginManifest manifest_;
  std::string name_;
  std::string version_;
};

}  // namespace agenthost::registry
