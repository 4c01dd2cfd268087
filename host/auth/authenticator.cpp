#include "auth/authenticator.hpp"

#include <stdexcept>

#include "agenthost/id_rules.hpp"
#include "auth/api_key_table.hpp"
#include "auth/jwt_verifier.hpp"
#include "text/ascii.hpp"

namespace agenthost::auth {

namespace {

// Longest credential looked at; anything longer is refused unread.
constexpr std::size_t kMaxCredentialBytes = 8192;

bool printable_without_spaces(std::string_view s) noexcept {
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7F) return false;
  return true;
}

}  // namespace

struct Authenticator::State {
  ApiKeyTable api_keys;
  JwtSettings jwt;

  explicit State(const AuthOptions& o)
      : api_keys(o.api_keys), jwt{o.jwt_hs256_secret, o.jwt_issuer, o.jwt_audience, o.jwt_leeway} {}
  bool jwt_enabled() const noexcept { return !jwt.secret.empty(); }
};

std::string_view client_message(AuthFailure failure) noexcept {
  switch (failure) {
    case AuthFailure::missing:
      return "missing credentials: send Authorization: Bearer <token>";
    case AuthFailure::malformed:
      return "malformed credentials: expected Authorization: Bearer <token>";
    case AuthFailure::invalid:
      return "invalid credentials";
    case AuthFailure::expired:
      return "token expired or not yet valid";
  }
  return "invalid credentials";
}

AuthResult AuthResult::accepted(std::string user_id) {
  AuthResult r;
  r.user_id = std::move(user_id);
  return r;
}

AuthResult AuthResult::refused(AuthFailure failure, std::string reason) {
  AuthResult r;
  r.failure = failure;
  r.reason = std::move(reason);
  return r;
}

Authenticator::Authenticator(AuthOptions options) { reload(std::move(options)); }

Authenticator::~Authenticator() = default;

void Authenticator::reload(AuthOptions options) {
  if (!options.jwt_hs256_secret.empty() && options.jwt_hs256_secret.size() < kMinJwtSecretBytes)
    throw std::invalid_argument("auth.jwt_hs256_secret is " +
                                std::to_string(options.jwt_hs256_secret.size()) +
                                " bytes; HS256 needs at least 32 (generate one with "
                                "`openssl rand -base64 48`)");
  if (options.jwt_leeway.count() < 0)
    throw std::invalid_argument("auth.jwt_leeway must not be negative");
  for (const auto& [key, user] : options.api_keys) {
    // Name the user, never the key.
    if (key.size() < kMinApiKeyBytes)
      throw std::invalid_argument("auth.api_keys: the key of user \"" + user +
                                  "\" is shorter than " + std::to_string(kMinApiKeyBytes) +
                                  " characters");
    if (!printable_without_spaces(key))
      throw std::invalid_argument("auth.api_keys: the key of user \"" + user +
                                  "\" contains spaces or non-printable characters");
    if (auto problem = agenthost::id_problem(user); !problem.empty())
      throw std::invalid_argument("auth.api_keys: user id \"" + user + "\" " + problem);
  }
  auto next = std::make_shared<const State>(options);
  {
    std::lock_guard lock(mutex_);
    state_.swap(next);
  }
  std::lock_guard lock(listeners_mutex_);
  for (const auto& [handle, listener] : listeners_) listener();
}

std::uint64_t Authenticator::add_reload_listener(std::function<void()> listener) {
  std::lock_guard lock(listeners_mutex_);
  const auto handle = next_listener_++;
  listeners_.emplace(handle, std::move(listener));
  return handle;
}

void Authenticator::remove_reload_listener(std::uint64_t handle) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(handle);
}

std::shared_ptr<const Authenticator::State> Authenticator::current() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool Authenticator::enabled() const {
  const auto s = current();
  return s->jwt_enabled() || !s->api_keys.empty();
}

AuthResult Authenticator::authenticate_header(std::string_view authorization) const {
  while (!authorization.empty() && (authorization.front() == ' ' || authorization.front() == '\t'))
    authorization.remove_prefix(1);
  while (!authorization.empty() && (authorization.back() == ' ' || authorization.back() == '\t'))
    authorization.remove_suffix(1);
  if (authorization.empty())
    return AuthResult::refused(AuthFailure::missing, "no Authorization header");
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !text::iequals(authorization.substr(0, space), "Bearer"))
    return AuthResult::refused(AuthFailure::malformed,
                               "Authorization header is not of the form \"Bearer <token>\"");
  auto token = authorization.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return authenticate_token(token);
}

AuthResult Authenticator::authenticate_token(std::string_view token) const {
  if (token.empty()) return AuthResult::refused(AuthFailure::missing, "empty token");
  if (token.size() > kMaxCredentialBytes)
    return AuthResult::refused(AuthFailure::malformed, "token longer than 8192 bytes");
  if (!printable_without_spaces(token))
    return AuthResult::refused(AuthFailure::malformed,
                               "token contains spaces or non-printable characters");
  const auto state = current();
  if (const auto* user = state->api_keys.find(token)) return AuthResult::accepted(*user);
  if (looks_like_jwt(token)) {
    if (!state->jwt_enabled())
      return AuthResult::refused(AuthFailure::invalid,
                                 "JWT refused: JWT authentication is not configured");
    return verify_hs256_jwt(token, state->jwt, std::chrono::system_clock::now());
  }
  return AuthResult::refused(AuthFailure::invalid, "unknown API key");
}

}  // namespace agenthost::auth
