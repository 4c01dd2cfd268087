// greeter: the smallest complete agenthost plugin. One agent that uses what a run
// gets from the host (its context, events, database transaction and tools), one
// tool, and the plugin's own configuration.
//
// For every request the host creates a fresh GreeterAgent, calls run() once on a
// worker thread and destroys it: per-run state lives in members, never in globals.

#include <agenthost/plugin.hpp>

#include <soci/soci.h>

#include <stdexcept>
#include <string>

namespace {

class GreeterAgent final : public agenthost::Agent {
 public:
  using Agent::Agent;

  // {"names": ["Ada", "Linus"]} -> {"greetings": ["Hello, Ada!", "Hello, Linus!"]}
  boost::json::value run(const boost::json::value& input) override {
    const auto* object = input.if_object();
    const auto* names = object ? object->if_contains("names") : nullptr;
    if (!names || !names->is_array())
      throw std::invalid_argument(R"(greeter needs {"names": ["Ada", ...]})");

    // The run's own transaction: committed when run() returns, rolled back when it
    // throws or the run is cancelled. Never commit yourself; never keep `sql`.
    soci::session& sql = db().sql();
    sql << "CREATE TABLE IF NOT EXISTS greetings (user_id TEXT NOT NULL, name TEXT NOT NULL)";

    boost::json::array greetings;
    const auto& list = names->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      // Cancelled (by the user, a timeout or shutdown): stop at once. The host
      // discards the result and rolls the transaction back.
      if (context().stop_requested()) break;
      events().progress(100.0 * static_cast<double>(i) / static_cast<double>(list.size()),
                        "greeting " + std::to_string(i + 1) + " of " + std::to_string(list.size()));
      // The host checks the input against the tool's schema and tells the user.
      const auto greeting = tools().call("greeter.compose", {{"name", list[i]}});
      const std::string name(list[i].as_string());
      sql << "INSERT INTO greetings (user_id, name) VALUES (:user_id, :name)",
          soci::use(context().user_id()), soci::use(name);
      greetings.push_back(greeting.at("text"));
    }
    return {{"greetings", std::move(greetings)}};
  }
};

// Called once, at host startup, on the host's main thread.
void register_greeter(agenthost::Registrar& registrar) {
  // plugins.config.greeter in the host's YAML (null when absent). A bad one throws:
  // the host then refuses the plugin at startup with this message.
  std::string salutation = "Hello";
  if (const auto& config = registrar.plugin_config(); !config.is_null()) {
    const auto* object = config.if_object();
    const auto* text = object ? object->if_contains("greeting") : nullptr;
    if (!text || !text->is_string())
      throw std::invalid_argument(R"(greeter plugin_config must be {greeting: "<text>"})");
    salutation = std::string(text->as_string());
  }

  registrar.add_tool(
      {.name = "greeter.compose",
       .description = "Composes a greeting for one name",
       .input_schema = {{"type", "object"},
                        {"properties", {{"name", {{"type", "string"}}}}},
                        {"required", {"name"}}}},
      // Called from many runs at once: it only reads its own copy of `salutation`.
      [salutation](const agenthost::ExecutionContext&, const boost::json::value& input) {
        return boost::json::value{
            {"text", salutation + ", " + std::string(input.at("name").as_string()) + "!"}};
      });

  registrar.add_agent<GreeterAgent>(
      {.name = "greeter", .description = "Greets everyone named in its input", .version = "1.0.0"});
}

}  // namespace

AGENTHOST_PLUGIN("greeter", "1.0.0", register_greeter)
