#pragma once
/// \file
/// JSON bodies of the HTTP API's answers. Pure.

#include <boost/json/object.hpp>

#include "database/run_record.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::server {

/// {"run_id","thread_id","agent","status","input","created_at","started_at"?,
///  "finished_at"?,"result"?,"error"?}, times as RFC 3339 UTC with milliseconds.
boost::json::object run_json(const database::RunRecord& run);

/// {"name","plugin","version","description"}
boost::json::object agent_json(const registry::AgentClass& agent);

}  // namespace agenthost::server
