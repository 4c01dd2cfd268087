#include "config/models_section.hpp"

#include <charconv>

#include "config/schema_fields.hpp"
#include "config/value_readers.hpp"

namespace agenthost::config {

namespace {

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool valid_endpoint_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

void read_headers(const ValueRef& value, ModelEndpointSettings& out, LoadContext& ctx) {
  std::map<std::string, std::string> headers;
  read_entries(value, ctx, "a mapping from header name to value",
               [&](const std::string& name, SourcePosition, const ValueRef& item) {
                 auto text = read_string(item, ctx);
                 if (!text) return;
                 if (name.find_first_of(" :\r\n") != std::string::npos ||
                     text->find_first_of("\r\n") != std::string::npos) {
                   ctx.report(item, "header '" + name +
                                        "' has a name or value no HTTP header "
                                        "can carry (a space, colon or line break)");
                   return;
                 }
                 headers[name] = *text;
               });
  out.headers = std::move(headers);
}

FieldDoc headers_doc() {
  FieldDoc doc;
  doc.key = "headers";
  doc.type = "mapping";
  doc.default_value = "{}";
  doc.allowed = "header name -> string";
  doc.description = "Extra headers sent with every request (e.g. OpenAI-Organization).";
  return doc;
}

void read_base_url(const ValueRef& value, ModelEndpointSettings& out, LoadContext& ctx) {
  auto text = read_string(value, ctx);
  if (!text) return;
  if (auto problem = parse_endpoint_url(*text, out.url)) {
    ctx.report(value, "base_url " + *problem);
    return;
  }
  out.base_url = *text;
}

FieldDoc base_url_doc() {
  FieldDoc doc;
  doc.key = "base_url";
  doc.type = "string";
  doc.allowed = "http(s)://host[:port][/path]";
  doc.description =
      "The API's base URL (required); requests go to <base_url>/chat/completions. https is "
      "verified against the system's CA store; plain http only to a loopback host.";
  return doc;
}

}  // namespace

FieldDoc models_doc() {
  FieldDoc doc;
  doc.key = "models";
  doc.type = "mapping";
  doc.entry_key = "<name>";
  doc.description =
      "Model endpoints agents call through models() (docs/plugin-guide.md, \"Calling "
      "models\"): endpoint name ([a-z0-9_.-]) -> an OpenAI-compatible chat-completions "
      "server. Agents that name no endpoint use `default`. With no endpoint the host "
      "starts, and a model call fails saying what to configure.";
  doc.nested = &model_endpoint_schema().doc();
  return doc;
}

std::optional<std::string> parse_endpoint_url(const std::string& text, EndpointUrl& out) {
  EndpointUrl url;
  std::string_view rest = text;
  if (rest.rfind("https://", 0) == 0) {
    url.tls = true;
    url.port = 443;
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    url.tls = false;
    url.port = 80;
    rest.remove_prefix(7);
  } else {
    return "'" + text + "' is not an http:// or https:// URL";
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return "'" + text + "' has user information; put the key in api_key instead";
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "'" + text + "' has an unclosed '[' in its host";
    url.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return "'" + text + "' has junk after its host";
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return "'" + text + "' has no host";
  if (!port_text.empty() || authority.back() == ':') {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535)
      return "'" + text + "' has an invalid port";
    url.port = static_cast<std::uint16_t>(port);
  }
  if (path.find_first_of("?#") != std::string_view::npos)
    return "'" + text + "' has a query or fragment; give the API's base path only";
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.base_path = std::string(path);
  if (!url.tls && !is_loopback(url.host))
    return "'" + text +
           "' is plain http to a host that is not loopback; use https (plain "
           "http is allowed for localhost, 127.0.0.0/8 and ::1 only)";
  out = std::move(url);
  return std::nullopt;
}

const ObjectSchema<ModelEndpointSettings>& model_endpoint_schema() {
  static const ObjectSchema<ModelEndpointSettings> schema{
      "One model endpoint.",
      {
          custom_field(base_url_doc(), read_base_url, &ModelEndpointSettings::base_url).restart(),
          field("api_key", &ModelEndpointSettings::api_key,
                "Sent as `Authorization: Bearer <key>`; write \"${OPENAI_API_KEY}\" to read it "
                "from the environment. Empty: no Authorization header. Never printed.")
              .restart(),
          field("model", &ModelEndpointSettings::model,
                "The model name sent with every request (required).", not_empty())
              .restart(),
          field("request_timeout", &ModelEndpointSettings::request_timeout,
                "Longest a whole model call (all of its answer) may take.",
                range(std::chrono::seconds(1), std::chrono::hours(1)))
              .restart(),
          field("first_byte_timeout", &ModelEndpointSettings::first_byte_timeout,
                "Longest wait for the first byte of the answer after the request is sent.",
                range(std::chrono::milliseconds(10), std::chrono::hours(1)))
              .restart(),
          field("max_concurrent_requests", &ModelEndpointSettings::max_concurrent_requests,
                "Requests in flight to this endpoint at once; more wait, and a free slot goes to "
                "the waiting user with the fewest requests in flight (users take turns).",
                range(1, 100000))
              .restart(),
          field("max_retries", &ModelEndpointSettings::max_retries,
                "Retries of a request answered 429 or 5xx, or whose connection failed before "
                "the first byte of the answer (never after it).",
                range(0, 10))
              .restart(),
          field("retry_backoff", &ModelEndpointSettings::retry_backoff,
                "First retry's delay; doubled for each later one, with jitter (a random 50 to "
                "100 %). A longer Retry-After from the endpoint is honoured.",
                range(std::chrono::milliseconds(1), std::chrono::minutes(10)))
              .restart(),
          field("retry_backoff_max", &ModelEndpointSettings::retry_backoff_max,
                "Longest delay between retries (Retry-After included: a longer one fails the "
                "call instead).",
                range(std::chrono::milliseconds(1), std::chrono::hours(1)))
              .restart(),
          custom_field(headers_doc(), read_headers, &ModelEndpointSettings::headers).restart(),
          field("ca_file", &ModelEndpointSettings::ca_file,
                "A PEM file of CAs trusted besides the system store (a private CA); relative "
                "to the config file.")
              .restart(),
      }};
  return schema;
}

const ObjectSchema<ModelBudgetSettings>& model_budgets_schema() {
  static const ObjectSchema<ModelBudgetSettings> schema{
      "Per-user token budgets for model calls (prompt plus completion tokens, all endpoints): "
      "a run of an agent that calls models is refused (429 budget_exceeded) while its user "
      "is over the daily budget, and a model call that would cross a budget fails.",
      {
          field("tokens_per_day", &ModelBudgetSettings::tokens_per_day,
                "Tokens one user may use per UTC day; 0: no limit.",
                range(0, std::int64_t{1} << 50))
              .live(),
          field("tokens_per_run", &ModelBudgetSettings::tokens_per_run,
                "Tokens one run may use; 0: no limit.", range(0, std::int64_t{1} << 50))
              .live(),
      }};
  return schema;
}

void read_models(const ValueRef& value, ModelsSettings& out, LoadContext& ctx) {
  if (is_null(value)) return;
  ModelsSettings models;
  read_entries(
      value, ctx, "a mapping from endpoint name to its settings (base_url, api_key, model, ...)",
      [&](const std::string& name, SourcePosition key_at, const ValueRef& item) {
        if (!valid_endpoint_name(name)) {
          ctx.report(key_at, item.path,
                     "endpoint name '" + name + "' is not valid; use 1 to 64 of [a-z0-9_.-]");
          return;
        }
        ModelEndpointSettings endpoint;
        endpoint.where = ctx.where(key_at);
        const auto issues_before = ctx.issue_count();
        model_endpoint_schema().read(item, endpoint, ctx);
        if (ctx.issue_count() != issues_before) return;
        for (const char* required : {"base_url", "model"}) {
          const auto& v =
              std::string_view(required) == "base_url" ? endpoint.base_url : endpoint.model;
          if (v.empty())
            ctx.report(key_at, item.path,
                       std::string("endpoint '") + name + "' has no " + required +
                           " (required: base_url and model)");
        }
        if (!endpoint.ca_file.empty()) endpoint.ca_file = ctx.resolve_path(endpoint.ca_file);
        models.emplace(name, std::move(endpoint));
      });
  out = std::move(models);
}

}  // namespace agenthost::config
