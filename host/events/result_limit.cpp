#include "events/result_limit.hpp"

#include <boost/json/serializer.hpp>

#include <array>

namespace agenthost::events {

std::optional<std::string> oversized_result(const boost::json::value& result,
                                            std::size_t max_bytes) {
  boost::json::serializer serializer;
  serializer.reset(&result);
  std::array<char, 4096> piece;
  std::size_t total = 0;
  while (!serializer.done()) {
    total += serializer.read(piece.data(), piece.size()).size();
    if (total > max_bytes)
      return "the agent's result is larger than the host's limit of " + std::to_string(max_bytes) +
             " bytes of JSON (limits.max_result_bytes): return less, for example a summary "
             "and a reference to where the rest is stored";
  }
  return std::nullopt;
}

}  // namespace agenthost::events
