#include "plugin_loader/file_trust.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace agenthost::plugin_loader {

std::optional<std::string> untrusted_because(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return fmt::format("{} {} cannot be checked: {}", what, path, std::strerror(errno));
  const auto mode = static_cast<unsigned>(st.st_mode & 07777);
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return fmt::format(
        "{} {} has mode {:04o}: it is writable by {}, who could put code into the host; run "
        "chmod go-w {}",
        what, path, mode, (st.st_mode & S_IWOTH) != 0 ? "everyone" : "its group", path);
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    return fmt::format(
        "{} {} is owned by uid {}, neither root nor the host's user (uid {}), who could put code "
        "into the host; run chown root {}",
        what, path, st.st_uid, ::geteuid(), path);
  return std::nullopt;
}

}  // namespace agenthost::plugin_loader
