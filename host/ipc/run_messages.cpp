#include "ipc/run_messages.hpp"

#include <boost/json/array.hpp>

#include <stdexcept>

#include "agenthost/event_emitter.hpp"
#include "agenthost/tool_dispatcher.hpp"
#include "agenthost/user_input.hpp"

namespace agenthost::ipc {
namespace {

using boost::json::object;
using std::chrono::milliseconds;

std::uint64_t ms(milliseconds d) { return static_cast<std::uint64_t>(d.count()); }

milliseconds ms_field(BodyView body, std::string_view key) {
  return milliseconds(static_cast<std::int64_t>(uint_field(body, key)));
}

Frame error_reply(const std::string& run, std::uint64_t call, std::string_view kind,
                  const char* message, std::int64_t model_kind = -1) {
  object error{{"kind", kind}, {"message", message}};
  if (model_kind >= 0) error["model_kind"] = model_kind;
  return Frame{FrameType::reply,
               object{{"run", run}, {"call", call}, {"ok", false}, {"error", error}}};
}

}  // namespace

object context_body(const agenthost::ExecutionContext& c) {
  const auto& l = c.limits();
  return object{{"user_id", c.user_id()},
                {"thread_id", c.thread_id()},
                {"run_id", c.run_id()},
                {"request_id", c.request_id()},
                {"agent_name", c.agent_name()},
                {"parent_request_id", c.parent_request_id()},
                {"depth", c.depth()},
                {"metadata", c.metadata()},
                {"limits", object{{"max_concurrent_runs", l.max_concurrent_runs},
                                  {"max_queued_runs", l.max_queued_runs},
                                  {"run_timeout_ms", ms(l.run_timeout)},
                                  {"input_timeout_ms", ms(l.input_timeout)},
                                  {"max_waiting_runs", l.max_waiting_runs}}}};
}

agenthost::ContextFields context_fields(const Frame& start) {
  const auto context = BodyView(start).nested("context");
  agenthost::ContextFields f;
  f.user_id = string_field(context, "user_id");
  f.thread_id = string_field(context, "thread_id");
  f.run_id = string_field(context, "run_id");
  f.request_id = string_field(context, "request_id");
  f.agent_name = string_field(context, "agent_name");
  f.parent_request_id = string_field(context, "parent_request_id");
  f.depth = u32_field(context, "depth");
  f.metadata = object_field(context, "metadata");
  const auto limits = context.nested("limits");
  f.limits.max_concurrent_runs = u32_field(limits, "max_concurrent_runs");
  f.limits.max_queued_runs = u32_field(limits, "max_queued_runs");
  f.limits.run_timeout = ms_field(limits, "run_timeout_ms");
  f.limits.input_timeout = ms_field(limits, "input_timeout_ms");
  f.limits.max_waiting_runs = u32_field(limits, "max_waiting_runs");
  return f;
}

object chat_request_body(const agenthost::ChatRequest& r) {
  boost::json::array tools;
  for (const auto& t : r.tools) tools.emplace_back(t);
  object body{{"endpoint", r.endpoint},    {"messages", r.messages},
              {"tools", std::move(tools)}, {"response_format", r.response_format},
              {"max_steps", r.max_steps},  {"stream_to_user", r.stream_to_user}};
  if (r.temperature) body["temperature"] = *r.temperature;
  if (r.max_tokens) body["max_tokens"] = *r.max_tokens;
  return body;
}

agenthost::ChatRequest chat_request(const object& body) {
  const BodyView f(body, FrameType::call);
  agenthost::ChatRequest r;
  r.endpoint = string_field(f, "endpoint");
  const auto* messages = body.if_contains("messages");
  if (!messages || !messages->is_array())
    throw FrameError("chat request: messages is not an array");
  r.messages = messages->get_array();
  const auto* tools = body.if_contains("tools");
  if (!tools || !tools->is_array()) throw FrameError("chat request: tools is not an array");
  for (const auto& t : tools->get_array()) {
    if (!t.is_string()) throw FrameError("chat request: a tool name is not a string");
    r.tools.emplace_back(t.get_string());
  }
  r.response_format = object_field(f, "response_format");
  r.max_steps =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(uint_field(f, "max_steps"), UINT32_MAX));
  r.stream_to_user = bool_field(f, "stream_to_user");
  if (const auto* t = body.if_contains("temperature"); t && t->is_number())
    r.temperature = t->to_number<double>();
  if (body.contains("max_tokens"))
    r.max_tokens = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(uint_field(f, "max_tokens"), UINT32_MAX));
  return r;
}

object chat_result_body(const agenthost::ChatResult& r) {
  return object{{"text", r.text},
                {"finish_reason", r.finish_reason},
                {"prompt_tokens", r.usage.prompt_tokens},
                {"completion_tokens", r.usage.completion_tokens},
                {"estimated", r.usage.estimated},
                {"model_calls", r.model_calls},
                {"messages", r.messages}};
}

agenthost::ChatResult chat_result(const object& body) {
  const BodyView f(body, FrameType::reply);
  agenthost::ChatResult r;
  r.text = string_field(f, "text");
  r.finish_reason = string_field(f, "finish_reason");
  r.usage.prompt_tokens = uint_field(f, "prompt_tokens");
  r.usage.completion_tokens = uint_field(f, "completion_tokens");
  r.usage.estimated = bool_field(f, "estimated");
  r.model_calls =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(uint_field(f, "model_calls"), UINT32_MAX));
  const auto* messages = body.if_contains("messages");
  if (!messages || !messages->is_array()) throw FrameError("chat result: messages is not an array");
  r.messages = messages->get_array();
  return r;
}

Frame reply_value(const std::string& run, std::uint64_t call, boost::json::value value) {
  return Frame{FrameType::reply,
               object{{"run", run}, {"call", call}, {"ok", true}, {"value", std::move(value)}}};
}

Frame reply_error(const std::string& run, std::uint64_t call, std::exception_ptr error) {
  // Most specific first: ContextError is an invalid_argument, the rest runtime_errors.
  try {
    std::rethrow_exception(error);
  } catch (const agenthost::RunEnded& e) {
    return error_reply(run, call, "run_ended", e.what());
  } catch (const agenthost::InputAbandoned& e) {
    return error_reply(run, call, "input_abandoned", e.what());
  } catch (const agenthost::ToolError& e) {
    return error_reply(run, call, "tool", e.what());
  } catch (const agenthost::ModelError& e) {
    return error_reply(run, call, "model", e.what(), static_cast<std::int64_t>(e.kind()));
  } catch (const std::invalid_argument& e) {
    return error_reply(run, call, "invalid_argument", e.what());
  } catch (const std::exception& e) {
    return error_reply(run, call, "runtime", e.what());
  } catch (...) {
    return error_reply(run, call, "runtime", "an exception that is not a std::exception");
  }
}

boost::json::value reply_result(const Frame& reply) {
  if (bool_field(reply, "ok")) {
    const auto* value = reply.body.if_contains("value");
    if (!value) throw FrameError("frame reply: field \"value\" is missing");
    return *value;
  }
  const auto error = BodyView(reply).nested("error");
  const auto kind = string_field(error, "kind");
  const auto message = string_field(error, "message");
  if (kind == "run_ended") throw agenthost::RunEnded(message);
  if (kind == "input_abandoned") throw agenthost::InputAbandoned(message);
  if (kind == "tool") throw agenthost::ToolError(message);
  if (kind == "invalid_argument") throw std::invalid_argument(message);
  if (kind == "model") {
    const auto model_kind = uint_field(error, "model_kind");
    if (model_kind > static_cast<std::uint64_t>(agenthost::ModelError::Kind::stopped))
      throw FrameError("frame reply: model_kind " + std::to_string(model_kind) + " is unknown");
    throw agenthost::ModelError(static_cast<agenthost::ModelError::Kind>(model_kind), message);
  }
  throw std::runtime_error(message);
}

}  // namespace agenthost::ipc
