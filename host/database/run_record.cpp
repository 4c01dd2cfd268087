#include "database/run_record.hpp"

namespace agenthost::database {

bool is_terminal_run_status(std::string_view status) noexcept {
  return status == run_status::completed || status == run_status::failed ||
         status == run_status::cancelled || status == run_status::timed_out ||
         status == run_status::interrupted;
}

bool is_known_run_status(std::string_view status) noexcept {
  return status == run_status::queued || status == run_status::running ||
         status == run_status::waiting_input || is_terminal_run_status(status);
}

}  // namespace agenthost::database
