#pragma once
/// \file
/// The bodies of the frames that carry a run between the supervisor and a worker,
/// written and read in one place so that both sides agree: a run's context, the
/// model gateway's request and answer, and a failed call's exception. Readers throw
/// FrameError naming the field at fault (a worker is untrusted).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <exception>
#include <string>

#include "agenthost/execution_context.hpp"
#include "agenthost/model_gateway.hpp"
#include "ipc/frame.hpp"

namespace agenthost::ipc {

/// The operations of call frames.
namespace op {
inline constexpr std::string_view ask = "ask";                ///< worker: UserInput::ask
inline constexpr std::string_view checkpoint = "checkpoint";  ///< worker: UserInput::checkpoint
inline constexpr std::string_view model = "model";            ///< worker: ModelGateway::chat
inline constexpr std::string_view tool = "tool";              ///< supervisor: ToolDispatcher::call
}  // namespace op

/// Flow control of a run's events: an agent in a worker may emit faster than the
/// supervisor stores, and what it is ahead by would wait in the supervisor's memory.
/// The supervisor sends an ack frame with the number of the run's event frames it has
/// taken so far after every kEventsPerAck of them (it takes one only when the event
/// log has room for the run); a worker's run waits while kEventWindow or more of its
/// event frames are not acknowledged.
inline constexpr std::uint64_t kEventsPerAck = 256;
inline constexpr std::uint64_t kEventWindow = 1024;

/// A context's fields (no stop token, waiter or user input: each side has its own).
boost::json::object context_body(const agenthost::ExecutionContext& context);
agenthost::ContextFields context_fields(const Frame& start);

boost::json::object chat_request_body(const agenthost::ChatRequest& request);
agenthost::ChatRequest chat_request(const boost::json::object& body);
boost::json::object chat_result_body(const agenthost::ChatResult& result);
agenthost::ChatResult chat_result(const boost::json::object& body);

/// The reply to call `call` of run `run`: {run, call, ok: true, value}.
Frame reply_value(const std::string& run, std::uint64_t call, boost::json::value value);
/// The reply carrying the exception being handled (call inside a catch block), so that
/// the caller's side rethrows the same SDK type with the same message (rethrow_error).
Frame reply_error(const std::string& run, std::uint64_t call, std::exception_ptr error);
/// The value of a reply frame, or throws the exception it carries.
boost::json::value reply_result(const Frame& reply);

}  // namespace agenthost::ipc
