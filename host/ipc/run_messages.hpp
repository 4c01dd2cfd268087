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
