#pragma once
/// \file
/// Whether a plugin file or directory may be trusted with the host's process: code
/// loaded from it runs as the host, so nobody but its owner (the host's user or
/// root) may be able to change it. The rule of sshd's StrictModes and of
/// PostgreSQL's key and data files.

#include <optional>
#include <string>

namespace agenthost::plugin_loader {

/// Why `path` (a plugin file or a directory holding plugins; `what` names it in the
/// message, e.g. "plugin directory") is not trusted, or nullopt: it is writable by
/// its group or by everyone, or owned by neither root nor the user the host runs as.
/// The message names the path, the mode or owner, and the command that fixes it.
/// Symlinks are followed: the mode of what is loaded counts.
std::optional<std::string> untrusted_because(const std::string& path, const std::string& what);

}  // namespace agenthost::plugin_loader
