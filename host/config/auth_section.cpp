#include "config/auth_section.hpp"

#include <set>
#include <utility>

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

const ObjectSchema<JwtSettings>& jwt_schema() {
  static const ObjectSchema<JwtSettings> schema{
      "HS256 bearer tokens (JWT) whose `sub` is the user id.",
      {
          field("hs256_secret", &JwtSettings::hs256_secret,
                "Signing key, at least 32 bytes; empty turns JWT authentication off. Keep it "
                "out of the file: \"${AGENTHOST_JWT_SECRET}\".")
              .live_secret(),
          field("issuer", &JwtSettings::issuer, "When set, a token's `iss` must equal it.").live(),
          field("audience", &JwtSettings::audience, "When set, a token's `aud` must contain it.")
              .live(),
          field("leeway", &JwtSettings::leeway,
                "Clock difference tolerated when checking `exp` and `nbf`.",
                range(std::chrono::seconds(0), std::chrono::minutes(10)))
              .live(),
      }};
  return schema;
}

const ObjectSchema<ApiKeySettings>& api_key_schema() {
  static const ObjectSchema<ApiKeySettings> schema{
      "One static API key.",
      {
          field("user", &ApiKeySettings::user, "User id the key authenticates as.", not_empty())
              .live_secret(),
          field("key", &ApiKeySettings::key,
                "The key, at least 16 bytes; keep it out of the file: \"${ALICE_API_KEY}\".",
                not_empty())
              .live_secret(),
      }};
  return schema;
}

void read_api_keys(const ValueRef& value, AuthSettings& out, LoadContext& ctx) {
  std::vector<ApiKeySettings> keys;
  read_list(value, ctx, "a list of {user, key} mappings", [&](std::size_t, const ValueRef& item) {
    ApiKeySettings entry;
    api_key_schema().read(item, entry, ctx);
    if (entry.user.empty() || entry.key.empty()) {
      ctx.report(item, "an API key needs both `user` and `key`");
      return;
    }
    entry.where = ctx.where(item.at) + " (" + item.path + ")";
    keys.push_back(std::move(entry));
  });
  out.api_keys = std::move(keys);
}

bool same_api_keys(const std::vector<ApiKeySettings>& a, const std::vector<ApiKeySettings>& b) {
  const auto pairs = [](const std::vector<ApiKeySettings>& keys) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& k : keys) out.emplace(k.user, k.key);
    return out;
  };
  return pairs(a) == pairs(b);
}

FieldDoc api_keys_doc() {
  FieldDoc doc;
  doc.key = "api_keys";
  doc.type = "list of mappings";
  doc.default_value = "[]";
  doc.allowed = "each `{user: ID, key: SECRET}`";
  doc.description =
      "Static API keys, sent as `Authorization: Bearer KEY`; each key at least 16 bytes, "
      "best given through ${VAR}.";
  return doc;
}

}  // namespace

const ObjectSchema<AuthSettings>& auth_schema() {
  static const ObjectSchema<AuthSettings> schema{
      "How clients prove who they are: JWT bearer tokens, static API keys, or both.",
      {
          section("jwt", &AuthSettings::jwt, jwt_schema()),
          // The keys themselves, not where in the file they were written.
          custom_field(api_keys_doc(), read_api_keys, &AuthSettings::api_keys, same_api_keys)
              .live_secret(),
      }};
  return schema;
}

}  // namespace agenthost::config
