// A plugin whose tool declares a malformed input schema ("enum" is not an array):
// the host must refuse the plugin at registration, naming the keyword and pointer.

#include <agenthost/plugin.hpp>

namespace {

void register_bad_schema(agenthost::Registrar& registrar) {
  registrar.add_tool(
      {.name = "bad_schema.lookup",
       .description = "Declares a schema the host must refuse",
       .input_schema = {{"type", "object"},
                        {"properties", {{"unit", {{"type", "string"}, {"enum", "celsius"}}}}}}},
      [](const agenthost::ExecutionContext&, const boost::json::value&) -> boost::json::value {
        return nullptr;
      });
}

}  // namespace

AGENTHOST_PLUGIN("bad_schema", "1.0.0", register_bad_schema)
