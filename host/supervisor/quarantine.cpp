#include "supervisor/quarantine.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace agenthost::supervisor {
namespace {

std::string utc(Quarantine::Clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     std::chrono::time_point_cast<std::chrono::seconds>(t));
}

}  // namespace

std::string Quarantine::why(const Record& record) const {
  return fmt::format(
      "{}: its runs crashed their worker process {} times within {} s (the last "
      "time, its worker {})",
      utc(*record.until), policy_.crashes,
      std::chrono::duration_cast<std::chrono::seconds>(policy_.within).count(), record.last_how);
}

std::optional<std::string> Quarantine::record_crash(const std::string& agent,
                                                    const std::string& how, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& record = agents_[agent];
  record.last_how = how;
  record.crashes.push_back(now);
  while (!record.crashes.empty() && record.crashes.front() < now - policy_.within)
    record.crashes.pop_front();
  if (record.crashes.size() < policy_.crashes || (record.until && *record.until > now))
    return std::nullopt;
  record.until = now + policy_.duration;
  record.crashes.clear();
  return "agent \"" + agent + "\" is quarantined until " + why(record) +
         "; new runs of it are refused with agent_unavailable. Fix or remove the plugin; a "
         "reload (SIGHUP) lifts the quarantine";
}

std::optional<std::string> Quarantine::refusal(const std::string& agent,
                                               Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto it = agents_.find(agent);
  if (it == agents_.end() || !it->second.until || *it->second.until <= now) return std::nullopt;
  return "agent \"" + agent + "\" is unavailable until " + why(it->second) +
         "; try again later or ask the operator";
}

std::size_t Quarantine::lift_all() {
  std::lock_guard lock(mutex_);
  std::size_t lifted = 0;
  const auto now = Clock::now();
  for (const auto& [agent, record] : agents_)
    if (record.until && *record.until > now) ++lifted;
  agents_.clear();
  return lifted;
}

std::size_t Quarantine::active(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [agent, record] : agents_)
    if (record.until && *record.until > now) ++n;
  return n;
}

}  // namespace agenthost::supervisor
