// approval: an agent that asks its user to approve what it was given, and waits.
//
// It shows how an agent asks (context().ask: the run waits, holding no thread, for
// as long as limits.input_timeout allows, even across a host restart) and how a
// resumable agent uses checkpoints: every step between two checkpoints must be
// safe to run twice, because a run resumed after a restart starts run() again from
// its last checkpoint.

#include <agenthost/plugin.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace {

// The answer's schema: {"approve": true|false}, nothing else.
boost::json::object approval_schema() {
  return {{"type", "object"},
          {"properties", {{"approve", {{"type", "boolean"}}}}},
          {"required", boost::json::array{"approve"}},
          {"additionalProperties", false}};
}

class ApprovalAgent final : public agenthost::Agent {
 public:
  using Agent::Agent;

  boost::json::value run(const boost::json::value& input) override {
    // A resumed run whose user had already answered goes straight to the result.
    if (auto saved = context().last_checkpoint();
        saved && saved->is_object() && saved->as_object().contains("approved"))
      return *saved;
    const auto answer =
        context().ask("Approve this request? " + boost::json::serialize(input), approval_schema());
    boost::json::object result{{"approved", answer.at("approve").as_bool()}};
    context().checkpoint(result);  // answered: a restart from here does not ask again
    return result;
  }
};

void register_approval(agenthost::Registrar& registrar) {
  registrar.add_agent<ApprovalAgent>({.name = "approval",
                                      .description = "Asks its user to approve its input",
                                      .version = "1.0.0",
                                      .resumable = true});
}

}  // namespace

AGENTHOST_PLUGIN("approval", "1.0.0", register_approval)
