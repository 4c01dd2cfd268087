#pragma once
/// \file
/// RunSequence: how one run's agent is run and the run ended, written once for the
/// host (RunScope) and for the SDK's test harness (agenthost::testing), so a plugin's
/// unit tests see the events and endings the daemon produces. The two own alike but
/// different parts (the host's UserEventEmitter and pooled RunDatabaseSession, the
/// harness's RecordingEmitter and TestDatabaseSession), hence a template over the
/// parts' types: each owner instantiates it with its own, and no call gains an
/// indirection.
///
/// What the sequence needs of the parts:
///  - Emitter (an agenthost::EventEmitter): emit_host(type, payload), and
///    emit_terminal(type, payload) returning the stored event or void (emit_ending);
///  - Database (an agenthost::DatabaseSession): commit() (throws a std::exception when
///    the commit fails), rollback() noexcept, interrupt() noexcept from any thread;
///  - Tools (an agenthost::ToolDispatcher): end().
///
/// Header-only: both the host's execution library and the SDK's testing library
/// compile it from here, and the installed SDK needs no extra source for it.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "agenthost/agent.hpp"
#include "agenthost/execution_context.hpp"
#include "events/host_events.hpp"
#include "execution/run_control.hpp"
#include "execution/run_outcome.hpp"
#include "json/non_finite.hpp"
#include "registry/agent_class_registry.hpp"
#include "registry/plugin_failure.hpp"

namespace agenthost::execution {

using registry::current_plugin_failure;
using registry::PluginFailure;

/// The points where RunSequence::execute tells its owner what happened, each doing
/// nothing here. An owner derives from it and hides the ones it wants (the call is
/// resolved at compile time): the host logs failures, the harness notes when run()
/// returned.
struct QuietRunHooks {
  /// Plugin code failed (`failure` not sanitised yet); the run ends with agent_error.
  void plugin_failed(const PluginFailure& /*failure*/) {}
  /// The commit threw `error`; the run ends with agent_error (database_error).
  void commit_failed(std::string_view /*error*/) {}
  /// run() has returned or thrown; the agent is not destroyed yet.
  void agent_returned() {}
  /// Why `result` may not be the run's (too large); the run then ends with
  /// agent_error and its transaction is rolled back.
  std::optional<std::string> result_refused(const boost::json::value& /*result*/) {
    return std::nullopt;
  }
};

/// One run's agent and the sequence around it. The parts belong to the owner and must
/// outlive the sequence; the agent instance belongs to the sequence.
template <class Emitter, class Database, class Tools>
class RunSequence {
 public:
  RunSequence(const registry::AgentClass& agent_class, const agenthost::ExecutionContext& context,
              Emitter& emitter, Database& db, Tools& tools,
              agenthost::ModelGateway& models) noexcept
      : agent_class_(agent_class),
        context_(context),
        emitter_(emitter),
        db_(db),
        tools_(tools),
        models_(models) {}
  RunSequence(const RunSequence&) = delete;
  RunSequence& operator=(const RunSequence&) = delete;

  /// Runs the agent once and ends the run's services:
  ///  1. if `control` was already stopped: no agent; only agent_death (no agent_started);
  ///  2. creates the agent through its factory (failure: agent_error alone);
  ///  3. emits agent_started, calls run(input) (a stop request meanwhile also
  ///     interrupts the agent's current SQL statement), destroys the agent, ends the
  ///     tool dispatcher;
  ///  4. commits the transaction when run() returned, the agent's destructor did not
  ///     throw and the run was not stopped; rolls it back otherwise;
  ///  5. emits exactly one terminal event: agent_completed, agent_error, or
  ///     agent_death (cause from `control`), which also closes the emitter.
  /// Call once. Exceptions from plugin code never leave it; an exception from the
  /// owner's parts (the event store refusing an event) does, with the parts and the
  /// sequence still safe to destroy. `hooks`: see QuietRunHooks.
  template <class Hooks>
  RunOutcome execute(const boost::json::value& input, const RunControl& control, Hooks&& hooks) {
    if (auto cause = control.stop_cause()) {
      db_.rollback();
      return end_with_death(*cause);
    }
    if (auto failure = create_agent()) {
      hooks.plugin_failed(*failure);
      tools_.end();
      db_.rollback();
      return end_with_error(error_type::agent, failure->message, false);
    }
    emitter_.emit_host("agent_started", events::started_payload(context_.metadata()));
    auto ran = run_agent(input);
    hooks.agent_returned();
    const auto destroyed = destroy_agent();
    tools_.end();

    RunOutcome outcome;
    if (auto cause = control.stop_cause()) {
      db_.rollback();
      outcome = end_with_death(*cause);
    } else if (auto* failure = std::get_if<PluginFailure>(&ran)) {
      hooks.plugin_failed(*failure);
      db_.rollback();
      outcome = end_with_error(error_type::agent, failure->message, false);
    } else if (destroyed) {
      hooks.plugin_failed(*destroyed);
      db_.rollback();
      outcome = end_with_error(error_type::agent, destroyed->message, false);
    } else if (auto refusal = hooks.result_refused(std::get<boost::json::value>(ran))) {
      db_.rollback();
      outcome = end_with_error(error_type::agent, *refusal, false);
    } else {
      outcome = commit_and_complete(std::get<boost::json::value>(std::move(ran)), hooks);
    }
    outcome.agent_created = true;
    return outcome;
  }

  /// Destroys the agent if it exists; what its destructor threw, if anything.
  std::optional<PluginFailure> destroy_agent() noexcept {
    agenthost::Agent* agent = agent_.release();
    if (!agent) return std::nullopt;
    try {
      delete agent;
    } catch (...) {
      // ~Agent() is noexcept(false) (agent.hpp), so an agent's destructor may throw:
      // the failure is reported, not a std::terminate.
      return current_plugin_failure("the destructor of agent \"" + agent_class_.info.name + "\"");
    }
    return std::nullopt;
  }

  /// True while the agent instance exists (between its creation and destruction).
  bool has_agent() const noexcept { return agent_ != nullptr; }

 private:
  std::optional<PluginFailure> create_agent() {
    const agenthost::AgentServices services{context_, emitter_, db_, tools_, models_};
    try {
      agent_ = agent_class_.factory(services);
    } catch (...) {
      return current_plugin_failure("the constructor of agent \"" + agent_class_.info.name + "\"");
    }
    if (!agent_)
      return PluginFailure{"the factory of agent \"" + agent_class_.info.name +
                           "\" returned no instance"};
    return std::nullopt;
  }

  std::variant<boost::json::value, PluginFailure> run_agent(const boost::json::value& input) {
    // A cancel or timeout also stops the SQL statement the agent may be blocked in.
    std::stop_callback interrupt_sql(context_.stop_token(), [this]() noexcept { db_.interrupt(); });
    boost::json::value result;
    try {
      result = agent_->run(input);
    } catch (...) {
      return current_plugin_failure("agent \"" + agent_class_.info.name + "\"");
    }
    // Stored and sent as JSON, which has no NaN or infinity (docs/protocol.md, Numbers).
    if (auto where = json::find_non_finite(result))
      return PluginFailure{"agent \"" + agent_class_.info.name +
                           "\" returned a result whose result" + *where +
                           " is NaN or an infinity, which JSON cannot carry"};
    return result;
  }

  template <class Hooks>
  RunOutcome commit_and_complete(boost::json::value result, Hooks& hooks) {
    std::optional<std::string> commit_error;
    try {
      db_.commit();
    } catch (const std::exception& e) {
      commit_error = e.what();
    }
    if (commit_error) {
      hooks.commit_failed(*commit_error);
      return end_with_error(
          error_type::database,
          "the run's database transaction could not be committed: " + *commit_error, true);
    }
    return emit_ending(emitter_, RunEnding::completed(std::move(result)));
  }

  RunOutcome end_with_error(std::string_view type, const std::string& message, bool recoverable) {
    return emit_ending(emitter_, RunEnding::failed(type, message, recoverable));
  }

  RunOutcome end_with_death(events::DeathCause cause) {
    return emit_ending(emitter_, RunEnding::stopped(cause, death_message(cause, context_)));
  }

  const registry::AgentClass& agent_class_;
  const agenthost::ExecutionContext& context_;
  Emitter& emitter_;
  Database& db_;
  Tools& tools_;
  agenthost::ModelGateway& models_;
  std::unique_ptr<agenthost::Agent> agent_;
};

}  // namespace agenthost::execution
