#pragma once
/// \file
/// Authenticator: turns the credentials of a request (an Authorization header or a
/// bare token from a query parameter) into the user id it belongs to. Thread-safe;
/// the options can be replaced at runtime (SIGHUP reload) while requests are being
/// authenticated.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/auth_options.hpp"

namespace agenthost::auth {

/// Why credentials were refused, coarse enough to tell a client.
enum class AuthFailure {
  missing,    ///< no credentials at all
  malformed,  ///< not "Bearer <token>", or a token that is not a JWT or API key
  invalid,    ///< unknown API key, bad signature, wrong algorithm, bad claims
  expired,    ///< JWT past its exp (or before its nbf)
};

/// What a client may be told about a failure ("missing credentials", ...).
std::string_view client_message(AuthFailure failure) noexcept;

/// The outcome of authenticate_*: a user id, or a failure with a reason for the
/// logs. The reason never contains the credential itself.
struct AuthResult {
  std::string user_id;  ///< empty when refused
  /// When the credentials stop being valid: a JWT's exp plus the leeway; nullopt
  /// for an API key (valid until a reload removes it).
  std::optional<std::chrono::system_clock::time_point> valid_until;
  AuthFailure failure = AuthFailure::missing;
  std::string reason;

  bool ok() const noexcept { return !user_id.empty(); }
  static AuthResult accepted(std::string user_id);
  static AuthResult refused(AuthFailure failure, std::string reason);
};

class Authenticator {
 public:
  /// Checks `options` (see reload) and takes them.
  explicit Authenticator(AuthOptions options);
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  /// Authenticates an HTTP Authorization header value: "Bearer <token>" (scheme
  /// case-insensitive), where the token is an API key or an HS256 JWT. An empty
  /// header is AuthFailure::missing.
  AuthResult authenticate_header(std::string_view authorization) const;

  /// Authenticates a bare token (the WebSocket access_token query parameter).
  AuthResult authenticate_token(std::string_view token) const;

  /// Replaces the options for every later call; calls in progress finish with the
  /// old ones. Throws std::invalid_argument, naming the problem and leaving the
  /// current options in force, when a JWT secret is shorter than kMinJwtSecretBytes,
  /// an API key is shorter than kMinApiKeyBytes, or a user id is invalid.
  void reload(AuthOptions options);

  /// `listener` is called (on the reloading thread, after the new options are in
  /// force) by every successful reload(), so that holders of long-lived sessions
  /// can check their credentials again (a removed API key, a new JWT secret). It
  /// must not call reload(). Returns a handle for remove_reload_listener().
  std::uint64_t add_reload_listener(std::function<void()> listener);
  /// After it returns, the listener is not called any more (waits for a call in
  /// progress). Unknown handles are ignored.
  void remove_reload_listener(std::uint64_t handle);

  /// True when at least one mode (JWT or API keys) is configured; without any, every
  /// request is refused.
  bool enabled() const;

 private:
  struct State;
  std::shared_ptr<const State> current() const;

  // A copy of the pointer is taken under the mutex (a few nanoseconds); the state
  // itself is immutable. (libstdc++ 12's std::atomic<std::shared_ptr> unlocks a
  // load with a relaxed store, a race ThreadSanitizer rightly reports.)
  mutable std::mutex mutex_;
  std::shared_ptr<const State> state_;

  // Held while listeners are called, so that removal waits for a call in progress.
  std::mutex listeners_mutex_;
  std::uint64_t next_listener_ = 1;
  std::map<std::uint64_t, std::function<void()>> listeners_;
};

}  // namespace agenthost::auth
