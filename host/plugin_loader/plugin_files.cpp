#include "plugin_loader/plugin_files.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "plugin_loader/file_trust.hpp"

namespace agenthost::plugin_loader {

namespace {

namespace fs = std::filesystem;

std::string located(const std::string& where) {
  return where.empty() ? std::string() : fmt::format(" (configured at {})", where);
}

class FileCollector {
 public:
  void add_source(const PluginSource& source) {
    std::error_code ec;
    const auto status = fs::status(source.path, ec);
    if (ec || !fs::exists(status)) {
      refuse(source.path,
             fmt::format("plugin path {} does not exist{}: fix the path or remove the entry",
                         source.path, located(source.where)));
    } else if (fs::is_directory(status)) {
      add_directory(source);
    } else {
      add_file(source.path, source.where);
    }
  }

  PluginFileList take() { return std::move(list_); }

 private:
  void add_directory(const PluginSource& source) {
    if (auto why = untrusted_because(source.path, "plugin directory")) {
      refuse(source.path, fmt::format("{}{}", *why, located(source.where)));
      return;
    }
    std::error_code ec;
    std::vector<std::string> names;
    for (fs::directory_iterator it(source.path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".so") names.push_back(it->path().string());
    }
    if (ec) {
      refuse(source.path, fmt::format("plugin directory {}{} cannot be read: {}", source.path,
                                      located(source.where), ec.message()));
      return;
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) add_file(name, source.where);
  }

  void add_file(const std::string& path, const std::string& where) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      // A dangling symlink in a directory, or a file that vanished since it was listed.
      refuse(path, fmt::format("plugin {} refused: cannot stat it: {}{}", path,
                               std::strerror(errno), located(where)));
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      refuse(path,
             fmt::format("plugin {} refused: it is not a regular file{}", path, located(where)));
      return;
    }
    if (!seen_.emplace(st.st_dev, st.st_ino).second) return;  // same file, same plugin
    // The file, and the directory it really is in (whoever can write there can
    // replace it); before the file is opened at all.
    std::error_code ec;
    const auto real = fs::canonical(path, ec);
    const auto directory = (ec ? fs::absolute(path, ec) : real).parent_path().string();
    auto why = untrusted_because(path, "the file");
    if (!why) why = untrusted_because(directory, "its directory");
    if (why) {
      refuse(path, fmt::format("plugin {} refused: {}{}", path, *why, located(where)));
      return;
    }
    list_.files.push_back({path, where});
  }

  void refuse(const std::string& path, std::string reason) {
    list_.refused.push_back({path, std::move(reason)});
  }

  PluginFileList list_;
  std::set<std::pair<dev_t, ino_t>> seen_;
};

}  // namespace

PluginFileList list_plugin_files(const std::vector<PluginSource>& sources) {
  FileCollector collector;
  for (const auto& source : sources) collector.add_source(source);
  return collector.take();
}

}  // namespace agenthost::plugin_loader
