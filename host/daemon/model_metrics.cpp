#include "daemon/model_metrics.hpp"

#include <string>
#include <vector>

namespace agenthost::daemon {

void add_model_metrics(metrics::HostMetrics& metrics, const models::ModelEndpoints& endpoints) {
  auto& r = metrics.registry();
  const std::vector<metrics::Label> by_endpoint{{"endpoint", endpoints.names()}};
  const std::vector<metrics::Label> by_kind{{"endpoint", endpoints.names()},
                                            {"kind", {"prompt", "completion"}}};
  auto& requests =
      r.add_counter("agenthost_model_requests_total",
                    "Model calls started, by endpoint (retries not counted).", by_endpoint);
  auto& retries = r.add_counter("agenthost_model_retries_total",
                                "Attempts after the first (429, 5xx, connection failed before "
                                "the first byte).",
                                by_endpoint);
  auto& failures =
      r.add_counter("agenthost_model_failures_total",
                    "Model calls that ended in an error (stopped runs not counted).", by_endpoint);
  auto& tokens =
      r.add_counter("agenthost_model_tokens_total",
                    "Tokens reported by the endpoints (or estimated), by kind.", by_kind);
  auto& in_flight = r.add_gauge("agenthost_model_requests_in_flight",
                                "Model calls holding a connection now.", by_endpoint);
  auto& waiting = r.add_gauge("agenthost_model_requests_waiting",
                              "Model calls waiting for max_concurrent_requests.", by_endpoint);
  metrics.add_collect_hook([&, &requests = requests, &retries = retries, &failures = failures,
                            &tokens = tokens, &in_flight = in_flight, &waiting = waiting] {
    for (const auto& c : endpoints.counters()) {
      const std::string_view e = c.endpoint;
      requests.at({e}).mirror(c.requests);
      retries.at({e}).mirror(c.retries);
      failures.at({e}).mirror(c.failures);
      tokens.at({e, "prompt"}).mirror(c.prompt_tokens);
      tokens.at({e, "completion"}).mirror(c.completion_tokens);
      in_flight.at({e}).set(static_cast<std::int64_t>(c.in_flight));
      waiting.at({e}).set(static_cast<std::int64_t>(c.waiting));
    }
  });
}

}  // namespace agenthost::daemon
