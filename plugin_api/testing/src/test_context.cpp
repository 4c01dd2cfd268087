#include "agenthost/testing/test_context.hpp"

#include <cstdio>
#include <utility>

namespace agenthost::testing {

namespace {

std::string numbered(const char* prefix, std::uint64_t n) {
  char text[48];
  std::snprintf(text, sizeof text, "%s-%06llu", prefix, static_cast<unsigned long long>(n));
  return text;
}

}  // namespace

TestContextBuilder& TestContextBuilder::user_id(std::string id) {
  user_id_ = std::move(id);
  return *this;
}

TestContextBuilder& TestContextBuilder::thread_id(std::string id) {
  thread_id_ = std::move(id);
  return *this;
}

TestContextBuilder& TestContextBuilder::run_id(std::string id) {
  run_id_ = std::move(id);
  return *this;
}

TestContextBuilder& TestContextBuilder::request_id(std::string id) {
  request_id_ = std::move(id);
  return *this;
}

TestContextBuilder& TestContextBuilder::agent_name(std::string name) {
  agent_name_ = std::move(name);
  return *this;
}

TestContextBuilder& TestContextBuilder::parent(std::string parent_request_id, std::uint32_t depth) {
  parent_request_id_ = std::move(parent_request_id);
  depth_ = depth;
  return *this;
}

TestContextBuilder& TestContextBuilder::metadata(boost::json::object metadata) {
  metadata_ = std::move(metadata);
  return *this;
}

TestContextBuilder& TestContextBuilder::metadata(std::string_view key, boost::json::value value) {
  metadata_[key] = std::move(value);
  return *this;
}

TestContextBuilder& TestContextBuilder::limits(ResourceLimits limits) {
  limits_ = limits;
  return *this;
}

TestContextBuilder& TestContextBuilder::run_timeout(std::chrono::milliseconds timeout) {
  limits_.run_timeout = timeout;
  return *this;
}

TestContextBuilder& TestContextBuilder::created_at(std::chrono::system_clock::time_point time) {
  created_at_ = time;
  return *this;
}

ContextFields TestContextBuilder::fields(std::uint64_t run_number) const {
  ContextFields f;
  f.user_id = user_id_;
  f.thread_id = thread_id_;
  f.run_id = run_id_ ? *run_id_ : numbered("run", run_number);
  f.request_id = request_id_ ? *request_id_ : numbered("request", run_number);
  f.agent_name = agent_name_;
  f.parent_request_id = parent_request_id_;
  f.depth = depth_;
  f.metadata = metadata_;
  f.limits = limits_;
  f.created_at = created_at_ ? *created_at_ : std::chrono::system_clock::now();
  return f;
}

ExecutionContext TestContextBuilder::build(std::stop_token stop, std::uint64_t run_number) const {
  ContextFields f = fields(run_number);
  f.stop = std::move(stop);
  return ExecutionContext::create(std::move(f));
}

}  // namespace agenthost::testing
