#pragma once
/// \file
/// The agenthost test harness, in one include: AgentHarness to run an agent as the
/// host does and inspect everything it did, and its parts (TestContextBuilder,
/// RecordingEmitter, TestDatabase, TestRegistry, RecordingToolDispatcher) for tests
/// that build an agent by hand. Link agenthost::testing.

#include "agenthost/testing/agent_harness.hpp"
#include "agenthost/testing/recording_emitter.hpp"
#include "agenthost/testing/recording_tool_dispatcher.hpp"
#include "agenthost/testing/run_result.hpp"
#include "agenthost/testing/scripted_models.hpp"
#include "agenthost/testing/test_context.hpp"
#include "agenthost/testing/test_database.hpp"
#include "agenthost/testing/test_registry.hpp"
