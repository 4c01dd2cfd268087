#include "execution/run_scope.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>
#include <utility>

#include "events/sanitizer.hpp"
#include "execution/logged_run_hooks.hpp"

namespace agenthost::execution {

RunScope::RunScope(agenthost::ExecutionContext context, const registry::AgentClass& agent_class,
                   const registry::AgentClassRegistry& registry,
                   database::DatabaseSessionManager& database, events::EventStore& store,
                   events::EventRouter& router, fiber::FiberWaiter& waiter,
                   std::size_t max_result_bytes, models::ModelServices models)
    : max_result_bytes_(max_result_bytes),
      library_(agent_class.library),
      context_(std::move(context)),
      pacer_(store, context_, waiter),
      emitter_(context_, store, router, {}, &pacer_),
      db_(database, context_, waiter),
      tools_(registry, context_, emitter_),
      model_transport_(models.endpoints, waiter),
      model_usage_(models.ledger, models.endpoints, context_.user_id(), context_.run_id(), waiter),
      models_(
          model_transport_, context_, registry, tools_,
          [this](std::string_view type, boost::json::object payload) {
            emitter_.emit_host(type, std::move(payload));
          },
          &model_usage_),
      sequence_(agent_class, context_, emitter_, db_, tools_, models_) {}

RunScope::~RunScope() {
  if (auto failure = sequence_.destroy_agent())
    spdlog::error("[{}] {}", context_.correlation_id(),
                  events::sanitize_error_message(failure->message));
  tools_.end();
  db_.rollback();
  emitter_.close();
}

RunOutcome RunScope::execute(const boost::json::value& input, const RunControl& control) {
  return sequence_.execute(input, control,
                           LoggedRunHooks{{}, context_.correlation_id(), max_result_bytes_});
}

}  // namespace agenthost::execution
