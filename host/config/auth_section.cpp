#include "config/auth_section.hpp"

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

const ObjectSchema<JwtSettings>& jwt_schema() {
  static const ObjectSchema<JwtSettings> schema{
      "HS256 bearer tokens (JWT) whose `sub` is the user id.",
      {
          field("hs256_secret", &JwtSettings::hs256_secret,
                "Signing key, at least 32 bytes; empty turns JWT authentication off. Keep it "
                "out of the file: \"${AGENTHOST_JWT_SECRET}\"."),
          field("issuer", &JwtSettings::issuer, "When set, a token's `iss` must equal it."),
          field("audience", &JwtSettings::audience, "When set, a token's `aud` must contain it."),
          field("leeway", &JwtSettings::leeway,
                "Clock difference tolerated when checking `exp` and `nbf`.",
                range(std::chrono::seconds(0), std::chrono::minutes(10))),
      }};
  return schema;
}

const ObjectSchema<ApiKeySettings>& api_key_schema() {
  static const ObjectSchema<ApiKeySettings> schema{
      "One static API key.",
      {
          field("user", &ApiKeySettings::user, "User id the key authenticates as.", not_empty()),
          field("key", &ApiKeySettings::key,
                "The key, at least 16 bytes; keep it out of the file: \"${ALICE_API_KEY}\".",
                not_empty()),
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
          {api_keys_doc(), read_api_keys},
      }};
  return schema;
}

}  // namespace agenthost::config
