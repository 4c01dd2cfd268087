#pragma once
/// \file
/// TestContextBuilder: execution contexts for tests, valid out of the box (ids that
/// pass the host's id rules, no metadata, the host's default limits) and changeable
/// field by field. build() validates exactly as the host does
/// (ExecutionContext::create), so a context a test cannot build is one the host
/// would refuse too.

#include <agenthost/execution_context.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

namespace agenthost::testing {

class TestContextBuilder {
 public:
  /// user_id "user-0001", thread_id "thread-0001", agent_name "agent", depth 0, no
  /// metadata, ResourceLimits{} (the host's defaults: run_timeout 300 s).
  TestContextBuilder() = default;

  TestContextBuilder& user_id(std::string id);
  TestContextBuilder& thread_id(std::string id);
  /// Fixes the run id. By default each run gets its own: run-000001, run-000002, ...
  TestContextBuilder& run_id(std::string id);
  /// Fixes the request id. By default request-000001, request-000002, ... per run.
  TestContextBuilder& request_id(std::string id);
  /// AgentHarness sets this to the agent it runs.
  TestContextBuilder& agent_name(std::string name);
  /// Makes the context a nested request: `parent_request_id` as parent, `depth` >= 1.
  TestContextBuilder& parent(std::string parent_request_id, std::uint32_t depth = 1);
  /// Replaces the caller-supplied metadata (reserved keys are refused by build()).
  TestContextBuilder& metadata(boost::json::object metadata);
  /// Sets one metadata member.
  TestContextBuilder& metadata(std::string_view key, boost::json::value value);
  TestContextBuilder& limits(ResourceLimits limits);
  /// Shorthand for the limit AgentHarness enforces: the run is stopped (death cause
  /// timeout) when it has not returned after `timeout`.
  TestContextBuilder& run_timeout(std::chrono::milliseconds timeout);
  /// Fixes created_at; by default build() stamps the current time.
  TestContextBuilder& created_at(std::chrono::system_clock::time_point time);

  /// The fields build() validates, with the default ids of run `run_number`.
  ContextFields fields(std::uint64_t run_number = 1) const;

  /// Builds a context with `stop` as its cancellation token (a default token is never
  /// stopped). `run_number` picks the default run and request ids. Throws
  /// agenthost::ContextError naming the first invalid field, as the host would.
  ExecutionContext build(std::stop_token stop = {}, std::uint64_t run_number = 1) const;

 private:
  std::string user_id_ = "user-0001";
  std::string thread_id_ = "thread-0001";
  std::optional<std::string> run_id_;
  std::optional<std::string> request_id_;
  std::string agent_name_ = "agent";
  std::string parent_request_id_;
  std::uint32_t depth_ = 0;
  boost::json::object metadata_;
  ResourceLimits limits_;
  std::optional<std::chrono::system_clock::time_point> created_at_;
};

}  // namespace agenthost::testing
