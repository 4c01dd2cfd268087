#pragma once
/// \file
/// Conversions between time points and the BIGINT epoch-millisecond columns
/// (internal to the database component).

#include <chrono>
#include <cstdint>

namespace agenthost::database {

inline long long to_epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point from_epoch_ms(long long ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(ms)));
}

}  // namespace agenthost::database
