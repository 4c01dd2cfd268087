#pragma once
/// \file
/// What a call into plugin code (a registration function, an agent's factory, run()
/// or destructor, a tool's handler) threw, as text: written once for the loader, the
/// engine, the tool dispatcher and the SDK's test harness. Header-only.

#include <exception>
#include <string>
#include <string_view>

namespace agenthost::registry {

/// Call inside a catch handler: the message of the exception being handled, copied
/// now, while the plugin's library (which may own the exception's type and storage)
/// is certainly loaded. Never empty.
inline std::string current_exception_message() {
  try {
    throw;
  } catch (const std::exception& e) {
    std::string message = e.what();
    return message.empty() ? "an exception without a message" : message;
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

/// What a call into plugin code threw, as text.
struct PluginFailure {
  std::string message;
};

/// Call inside a catch handler: "<what_was_called> threw: <message>".
inline PluginFailure current_plugin_failure(std::string_view what_was_called) {
  return PluginFailure{std::string(what_was_called) + " threw: " + current_exception_message()};
}

}  // namespace agenthost::registry
