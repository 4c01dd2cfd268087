#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// Where an endpoint is, parsed once from its base_url.
struct EndpointUrl {
  bool tls = true;         ///< https
  std::string host;        ///< name or address, without brackets
  std::uint16_t port = 0;  ///< 443 / 80 when the URL gives none
  std::string base_path;   ///< e.g. "/v1", no trailing slash ("" for the root)

  bool operator==(const EndpointUrl&) const = default;
};

/// One entry of section `models`: an OpenAI-compatible chat-completions server.
struct ModelEndpointSettings {
  std::string base_url;  ///< as written, e.g. https://api.openai.com/v1
  EndpointUrl url;       ///< base_url parsed
  std::string api_key;   ///< sent as "Authorization: Bearer ..."; "" sends none
  std::string model;
  Duration request_timeout{std::chrono::seconds(120)};
  Duration first_byte_timeout{std::chrono::seconds(30)};
  std::uint32_t max_concurrent_requests = 64;
  std::uint32_t max_retries = 2;
  Duration retry_backoff{std::chrono::milliseconds(500)};
  Duration retry_backoff_max{std::chrono::seconds(10)};
  std::map<std::string, std::string> headers;  ///< extra request headers
  std::string ca_file;  ///< PEM of extra trusted CAs; "" trusts the system store only
  std::string where;    ///< "file:line:col" of the endpoint's key, for later errors

  bool operator==(const ModelEndpointSettings&) const = default;
};

/// Section `models`: endpoint name -> settings. "default" is the one agents use when
/// they name none.
using ModelsSettings = std::map<std::string, ModelEndpointSettings>;

/// Section `model_budgets`: tokens each user may spend on model calls (all endpoints
/// together); 0 means no limit. Live: a SIGHUP reload applies a change.
struct ModelBudgetSettings {
  std::uint64_t tokens_per_day = 0;  ///< per user and UTC day
  std::uint64_t tokens_per_run = 0;  ///< per run
};

/// Keys of section `model_budgets`.
const ObjectSchema<ModelBudgetSettings>& model_budgets_schema();

/// The keys of one endpoint (models.<name>.*).
const ObjectSchema<ModelEndpointSettings>& model_endpoint_schema();

/// The documentation of section `models`.
FieldDoc models_doc();

/// Reads section `models` (a mapping of endpoint names to endpoints).
void read_models(const ValueRef& value, ModelsSettings& out, LoadContext& ctx);

/// Parses a base_url: http or https, a host, an optional port and path. Plain http
/// only for a loopback host (localhost, 127.0.0.0/8, ::1). The reason when refused.
std::optional<std::string> parse_endpoint_url(const std::string& text, EndpointUrl& out);

}  // namespace agenthost::config
