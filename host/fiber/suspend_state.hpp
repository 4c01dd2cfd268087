#pragma once
/// \file
/// SuspendState: what a suspended run needs of its worker's event loop (internal to
/// the fiber component; keeps Asio out of the headers the rest of the host includes).
/// Every member is touched only on the run's worker thread: by the fiber itself, or
/// by a handler posted there, which cannot run while the fiber does.

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <optional>

namespace agenthost::fiber {

struct SuspendState {
  SuspendState(boost::asio::io_context& io, boost::asio::yield_context& y)
      : context(io), yield(y), timer(std::in_place, io) {}

  boost::asio::io_context& context;
  boost::asio::yield_context& yield;  // lives on the fiber's stack, as long as the fiber
  std::optional<boost::asio::steady_timer> timer;  // reset when the fiber ends
  std::uint64_t generation = 0;                    // one per suspension
  bool completed = false;
  bool stopped = false;
};

}  // namespace agenthost::fiber
