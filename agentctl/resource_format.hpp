#pragma once
/// \file
/// How agentctl shows the host's resources to a person: the agent list and a run.
/// Pure; throws CommandError(failed) when a body lacks what the protocol promises.

#include <boost/json/value.hpp>

#include <string>

namespace agenthost::agentctl {

/// GET /v1/agents body -> an aligned table (NAME VERSION PLUGIN DESCRIPTION), one
/// agent a line, or "no agents are registered".
std::string format_agents(const boost::json::value& body);

/// GET /v1/runs/{id} body -> "field  value" lines: run, agent, thread, status, the
/// timestamps that are set, input, and result or error.
std::string format_run(const boost::json::value& body);

}  // namespace agenthost::agentctl
