#include "process_rss.hpp"

#include <unistd.h>
#include <filesystem>
#include <vector>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace agenthost::bench::load {

namespace {

// The process's children (its worker processes), from /proc/PID/task/*/children.
std::vector<int> children_of(int pid) {
  std::vector<int> children;
  std::error_code error;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
    std::ifstream in(task.path() / "children");
    for (int child = 0; in >> child;) children.push_back(child);
  }
  return children;
}

std::optional<ProcessMemory> read_one_memory(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return std::nullopt;
  ProcessMemory memory;
  bool found = false;
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kib = 0;
    fields >> key >> kib;  // "VmRSS:   123456 kB"
    if (key == "VmRSS:") {
      memory.rss_kib = kib;
      found = true;
    } else if (key == "VmHWM:") {
      memory.peak_kib = kib;
    }
  }
  if (!found) return std::nullopt;
  return memory;
}

std::optional<double> read_one_cpu_seconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces; the fields counted here follow its ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  if (!fields) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

std::optional<ProcessMemory> read_process_memory(int pid) {
  auto memory = read_one_memory(pid);
  if (!memory) return std::nullopt;
  for (const int child : children_of(pid))
    if (const auto m = read_one_memory(child)) {
      memory->rss_kib += m->rss_kib;
      memory->peak_kib += m->peak_kib;
    }
  return memory;
}

std::optional<double> read_process_cpu_seconds(int pid) {
  auto seconds = read_one_cpu_seconds(pid);
  if (!seconds) return std::nullopt;
  for (const int child : children_of(pid))
    if (const auto s = read_one_cpu_seconds(child)) *seconds += *s;
  return seconds;
}

}  // namespace agenthost::bench::load
