#pragma once
/// \file
/// SupervisorCalls: how a run in a worker process asks the supervisor for a service
/// that lives there (its user's answer, a checkpoint's storage, a model call). The
/// run's fiber waits suspended for the reply; the supervisor's exception comes back
/// as the same SDK type (ipc::reply_result).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace agenthost::worker {

class SupervisorCalls {
 public:
  virtual ~SupervisorCalls() = default;
  /// Sends call `op` with `body` and returns the reply's value, or throws its error.
  virtual boost::json::value call(std::string_view op, boost::json::object body) = 0;
};

}  // namespace agenthost::worker
