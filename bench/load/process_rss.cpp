#include "process_rss.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace agenthost::bench::load {

std::optional<ProcessMemory> read_process_memory(int pid) {
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

}  // namespace agenthost::bench::load
