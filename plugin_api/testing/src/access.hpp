#pragma once
// The harness's way into the host parts behind its public classes (internal: not
// installed). Each function is defined in the .cpp of the class it opens.

#include <memory>

#include "agenthost/testing/recording_emitter.hpp"
#include "agenthost/testing/scripted_models.hpp"
#include "agenthost/testing/test_registry.hpp"
#include "events/user_event_emitter.hpp"
#include "models/chat_transport.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::testing::detail {

struct Access {
  /// The host emitter a RecordingEmitter wraps (for the host's tool dispatcher).
  static events::UserEventEmitter& host_emitter(RecordingEmitter& emitter);
  /// The host registry a TestRegistry fills.
  static registry::AgentClassRegistry& host_registry(TestRegistry& registry);
  /// Keeps the registry (its entries and plugin libraries) alive for a run that may
  /// outlive the TestRegistry object.
  static std::shared_ptr<const void> keep_alive(const TestRegistry& registry);
  /// The transport behind a ScriptedModels (shared: a run keeps it alive).
  static std::shared_ptr<models::ChatTransport> transport(const ScriptedModels& models);
};

}  // namespace agenthost::testing::detail
