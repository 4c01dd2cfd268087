#include <catch2/catch.hpp>

#include <string>

#include "events/sanitizer.hpp"

namespace ev = agenthost::events;
using ev::KeyKind;

TEST_CASE("keys naming a secret are secret, in any spelling", "[sanitizer][keys]") {
  const auto key = GENERATE(
      as<std::string>{}, "password", "Password", "user_password", "dbPassword", "passwd", "secret",
      "client_secret", "clientSecret", "api_key", "apiKey", "APIKey", "X-Api-Key", "apikey",
      "openaiApiKey", "key", "keys", "private_key", "private_key_pem", "session_keys",
      "api_key_value", "auth", "auth_header", "Authorization", "oauth", "credential", "credentials",
      "aws_credentials", "passphrase", "cookie", "set.cookies", "AWS_SECRET_ACCESS_KEY", "key2");
  INFO(key);
  CHECK(ev::classify_key(key) == KeyKind::secret);
  CHECK(ev::is_secret_key(key));
}

TEST_CASE("token keys are redacted unless they hold a count", "[sanitizer][keys]") {
  const auto key =
      GENERATE(as<std::string>{}, "token", "access_token", "accessToken", "refresh_token",
               "csrftoken", "id_token", "access_tokens", "promptTokenCount", "token_count");
  INFO(key);
  CHECK(ev::classify_key(key) == KeyKind::token);
  CHECK_FALSE(ev::is_secret_key(key));
}

TEST_CASE("words that merely contain key, auth or token are plain", "[sanitizer][keys]") {
  const auto key =
      GENERATE(as<std::string>{}, "keyword", "keywords", "monkey", "hockey_score", "key_points",
               "key_findings", "author", "authored_by", "tokens_used", "max_tokens",
               "prompt_tokens", "tokenizer", "thought", "step", "status", "result", "message", "");
  INFO(key);
  CHECK(ev::classify_key(key) == KeyKind::plain);
}
