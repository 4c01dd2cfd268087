#pragma once
/// \file
/// ModelEndpoints: the host's HTTP(S) client for the configured model endpoints (one
/// per host, built at startup from section `models`). Calls run on its own I/O thread
/// (Boost.Beast; TLS through OpenSSL, certificates verified against the system store);
/// per endpoint it caps requests in flight (others wait in line), applies the request
/// and first-byte timeouts, and retries only where docs/configuration.md says: a 429
/// or 5xx answer, or a connection that failed before the first byte of the answer,
/// with exponential backoff, jitter and Retry-After. Beast stays in the .cpp files.

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/models_section.hpp"
#include "models/chat_transport.hpp"

namespace agenthost::models {

/// Counts per endpoint, for /metrics.
struct EndpointCounters {
  std::string endpoint;
  std::uint64_t requests = 0;       ///< calls started
  std::uint64_t retries = 0;        ///< attempts after the first
  std::uint64_t failures = 0;       ///< calls that ended in an error (stopped ones not counted)
  std::uint64_t in_flight = 0;      ///< calls holding a connection now
  std::uint64_t waiting = 0;        ///< calls waiting for max_concurrent_requests
  std::uint64_t prompt_tokens = 0;  ///< reported by record_usage
  std::uint64_t completion_tokens = 0;
};

/// One call in progress.
class ModelCall {
 public:
  virtual ~ModelCall() = default;
  /// Closes the call's connection (or leaves its line, or its backoff) at once; the
  /// call then ends with ModelError stopped. Any thread; idempotent.
  virtual void abort() = 0;
};

/// How a call ended: the completion, or the exception (a ModelError).
using CallDone = std::function<void(Completion completion, std::exception_ptr error)>;

class ModelEndpoints {
 public:
  /// Throws std::runtime_error when an endpoint's ca_file cannot be loaded.
  explicit ModelEndpoints(const config::ModelsSettings& settings);
  /// Aborts every call and joins the I/O thread.
  ~ModelEndpoints();
  ModelEndpoints(const ModelEndpoints&) = delete;
  ModelEndpoints& operator=(const ModelEndpoints&) = delete;

  /// The model configured for `endpoint`; nullopt when it is not configured.
  std::optional<std::string> model_of(std::string_view endpoint) const;
  /// The configured endpoint names, sorted.
  std::vector<std::string> names() const;

  /// Starts a call of `endpoint` (which must be configured) with `body` for user
  /// `user_id` (when the endpoint is at max_concurrent_requests, free slots go to the
  /// waiting user with the fewest calls in flight). `on_text` gets the answer's text
  /// as it arrives and `done` is called exactly once, both on the I/O thread. Any
  /// thread.
  std::shared_ptr<ModelCall> start(std::string_view endpoint, std::string user_id, std::string body,
                                   TextSink on_text, CallDone done);

  /// Adds tokens to the endpoint's counters (the usage meter's report).
  void record_usage(std::string_view endpoint, std::uint64_t prompt, std::uint64_t completion);
  /// The counters of every endpoint, by name.
  std::vector<EndpointCounters> counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agenthost::models
