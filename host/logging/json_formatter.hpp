#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace agenthost::logging {

/// One JSON object per line: {"ts","level","thread","msg"}; the message is escaped,
/// so a log line can never be split or forged by what it quotes.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace agenthost::logging
