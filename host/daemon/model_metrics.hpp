#pragma once
/// \file
/// The model gateway's families on GET /metrics, one series per configured endpoint
/// (never per user): requests, retries, failures, tokens, calls in flight and waiting.

#include "metrics/host_metrics.hpp"
#include "models/model_endpoints.hpp"

namespace agenthost::daemon {

/// Adds the families to `metrics` and a collect hook that mirrors `endpoints`'
/// counters at each scrape. Both must outlive the metrics' use.
void add_model_metrics(metrics::HostMetrics& metrics, const models::ModelEndpoints& endpoints);

}  // namespace agenthost::daemon
