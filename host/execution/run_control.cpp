#include "execution/run_control.hpp"

#include "database/run_record.hpp"

namespace agenthost::execution {

bool RunControl::request_stop(events::DeathCause cause) noexcept {
  int expected = kNoCause;
  if (!cause_.compare_exchange_strong(expected, static_cast<int>(cause), std::memory_order_acq_rel))
    return false;
  source_.request_stop();
  return true;
}

std::optional<events::DeathCause> RunControl::stop_cause() const noexcept {
  const int c = cause_.load(std::memory_order_acquire);
  if (c == kNoCause) return std::nullopt;
  return static_cast<events::DeathCause>(c);
}

std::string_view status_for(events::DeathCause cause) noexcept {
  namespace rs = database::run_status;
  switch (cause) {
    case events::DeathCause::timeout:
    case events::DeathCause::input_timeout:
      return rs::timed_out;
    case events::DeathCause::cancelled:
      return rs::cancelled;
    case events::DeathCause::interrupted:
    case events::DeathCause::shutdown:
      return rs::interrupted;
    case events::DeathCause::worker_crashed:
    case events::DeathCause::unresponsive:
      return rs::failed;
  }
  return rs::interrupted;
}

}  // namespace agenthost::execution
