#include "execution/run_scope.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>

#include <exception>
#include <stop_token>
#include <utility>

#include "database/run_record.hpp"
#include "events/host_events.hpp"
#include "events/sanitizer.hpp"

namespace agenthost::execution {
namespace {

// The message of the exception being handled, copied now: its type and storage may
// belong to the plugin.
PluginFailure current_failure(std::string_view what_was_called) {
  std::string message;
  try {
    throw;
  } catch (const std::exception& e) {
    message = e.what();
    if (message.empty()) message = "an exception without a message";
  } catch (...) {
    message = "an exception that is not a std::exception";
  }
  return PluginFailure{std::string(what_was_called) + " threw: " + message};
}

}  // namespace

RunScope::RunScope(agenthost::ExecutionContext context, const registry::AgentClass& agent_class,
                   const registry::AgentClassRegistry& registry,
                   database::DatabaseSessionManager& database, events::EventStore& store,
                   events::EventRouter& router)
    : library_(agent_class.library),
      agent_class_(agent_class),
      context_(std::move(context)),
      emitter_(context_, store, router),
      db_(database.acquire(), context_),
      tools_(registry, context_, emitter_) {}

RunScope::~RunScope() {
  if (auto failure = destroy_agent())
    spdlog::error("[{}] {}", context_.correlation_id(),
                  events::sanitize_error_message(failure->message));
  tools_.end();
  db_.rollback();
  emitter_.close();
}

std::optional<PluginFailure> RunScope::create_agent() {
  const agenthost::AgentServices services{context_, emitter_, db_, tools_};
  try {
    agent_ = agent_class_.factory(services);
  } catch (...) {
    return current_failure("the constructor of agent \"" + agent_class_.info.name + "\"");
  }
  if (!agent_)
    return PluginFailure{"the factory of agent \"" + agent_class_.info.name +
                         "\" returned no instance"};
  return std::nullopt;
}

std::variant<boost::json::value, PluginFailure> RunScope::run_agent(
    const boost::json::value& input) {
  // A cancel or timeout also stops the SQL statement the agent may be blocked in.
  std::stop_callback interrupt_sql(context_.stop_token(), [this]() noexcept { db_.interrupt(); });
  try {
    return agent_->run(input);
  } catch (...) {
    return current_failure("agent \"" + agent_class_.info.name + "\"");
  }
}

std::optional<PluginFailure> RunScope::destroy_agent() noexcept {
  agenthost::Agent* agent = agent_.release();
  if (!agent) return std::nullopt;
  try {
    delete agent;
  } catch (...) {
    // Reached only if the SDK lets destructors throw; ~Agent() is noexcept today, so
    // a throwing destructor terminates the process before this point.
    return current_failure("the destructor of agent \"" + agent_class_.info.name + "\"");
  }
  return std::nullopt;
}

RunOutcome RunScope::end_with_error(std::string_view type, const std::string& message,
                                    bool recoverable) {
  const auto clean = events::sanitize_error_message(message);
  RunOutcome outcome;
  outcome.status = std::string(database::run_status::failed);
  outcome.error = boost::json::object{{"error_type", type}, {"message", clean}};
  outcome.event_count =
      emitter_.emit_terminal("agent_error", events::error_payload(type, clean, recoverable))->seq;
  return outcome;
}

RunOutcome RunScope::end_with_death(events::DeathCause cause) {
  const auto message = death_message(cause, context_);
  RunOutcome outcome;
  outcome.status = std::string(status_for(cause));
  outcome.error =
      boost::json::object{{"error_type", events::to_string(cause)}, {"message", message}};
  outcome.event_count =
      emitter_.emit_terminal("agent_death", events::death_payload(cause, message))->seq;
  return outcome;
}

RunOutcome RunScope::execute(const boost::json::value& input, const RunControl& control) {
  const auto& corr = context_.correlation_id();
  if (auto cause = control.stop_cause()) {
    db_.rollback();
    return end_with_death(*cause);
  }
  if (auto failure = create_agent()) {
    spdlog::warn("[{}] {}", corr, events::sanitize_error_message(failure->message));
    tools_.end();
    db_.rollback();
    auto outcome = end_with_error(error_type::agent, failure->message, false);
    return outcome;
  }
  emitter_.emit_host("agent_started", events::started_payload(context_.metadata()));
  auto ran = run_agent(input);
  const auto destroyed = destroy_agent();
  tools_.end();

  RunOutcome outcome;
  outcome.agent_created = true;
  if (auto cause = control.stop_cause()) {
    db_.rollback();
    outcome = end_with_death(*cause);
  } else if (auto* failure = std::get_if<PluginFailure>(&ran)) {
    spdlog::warn("[{}] {}", corr, events::sanitize_error_message(failure->message));
    db_.rollback();
    outcome = end_with_error(error_type::agent, failure->message, false);
  } else if (destroyed) {
    spdlog::warn("[{}] {}", corr, events::sanitize_error_message(destroyed->message));
    db_.rollback();
    outcome = end_with_error(error_type::agent, destroyed->message, false);
  } else {
    bool committed = false;
    std::string commit_error;
    try {
      db_.commit();
      committed = true;
    } catch (const std::exception& e) {
      commit_error = e.what();
    }
    if (committed) {
      auto& result = std::get<boost::json::value>(ran);
      outcome.status = std::string(database::run_status::completed);
      outcome.result = result;
      outcome.event_count =
          emitter_.emit_terminal("agent_completed", events::completed_payload(std::move(result)))
              ->seq;
    } else {
      spdlog::error("[{}] commit failed: {}", corr, commit_error);
      outcome = end_with_error(
          error_type::database,
          "the run's database transaction could not be committed: " + commit_error, true);
    }
  }
  outcome.agent_created = true;
  return outcome;
}

}  // namespace agenthost::execution
