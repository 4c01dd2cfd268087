#pragma once
/// \file
/// Sanitising of event payloads before they are stored or sent: whatever an agent
/// puts in a payload, no secret-looking value, internal field, host file path or
/// unbounded amount of data reaches a client. Pure functions, safe on any thread.
///
/// The rules, applied recursively to every object member and array element:
///  1. Members named _internal, debug_info, system_context or raw_response (any case)
///     are dropped.
///  2. Members whose key names a secret are kept with the value "[REDACTED]" (see
///     classify_key for the exact rule; token counts such as tokens_used stay).
///  3. Members named error_message with a string value go through
///     sanitize_error_message (paths hidden, inline secrets redacted, 300 bytes).
///  4. Strings longer than max_string bytes keep their first max_string bytes (cut
///     back to a UTF-8 character boundary) followed by "...(truncated)"; keys longer
///     than max_key are cut the same way.
///  5. Arrays longer than max_list keep max_list elements followed by one
///     "...(truncated)" element; objects with more than max_members members keep
///     the first max_members followed by a member "...(truncated)" whose value is
///     the number of members left out.
///  6. A value nested deeper than max_depth (members of the payload object are at
///     depth 1) is replaced by "[TRUNCATED: too deep]".
///  7. Once max_values values have been kept in one payload, the rest of every
///     array and object is cut as in rule 5: a payload never grows past a fixed
///     size, however it is shaped.

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace agenthost::events {

struct SanitizerLimits {
  std::size_t max_string = 1000;        ///< bytes kept of each string value
  std::size_t max_list = 10;            ///< elements kept of each array
  std::size_t max_depth = 16;           ///< deepest nesting kept (payload members: 1)
  std::size_t max_members = 100;        ///< members kept of each object
  std::size_t max_key = 128;            ///< bytes kept of each key
  std::size_t max_values = 2000;        ///< values kept in one payload, all levels
  std::size_t max_error_message = 300;  ///< bytes kept of an error_message
};

/// The limits of a run's result (the payload of agent_completed): the result as a whole
/// is bounded by limits.max_result_bytes before it is emitted, so its strings, lists
/// and objects are kept whole (an assistant's long answer is the answer); secrets are
/// still redacted, error messages cleaned, keys and nesting bounded.
inline constexpr SanitizerLimits kResultLimits{.max_string = SIZE_MAX,
                                               .max_list = SIZE_MAX,
                                               .max_depth = 64,
                                               .max_members = SIZE_MAX,
                                               .max_key = 128,
                                               .max_values = SIZE_MAX,
                                               .max_error_message = 300};

/// Throws std::invalid_argument naming the first limit that is 0 (a limit of 0 would
/// keep nothing at all, which is a configuration mistake rather than a policy).
void check_limits(const SanitizerLimits& limits);

inline constexpr std::string_view kRedacted = "[REDACTED]";
inline constexpr std::string_view kTruncatedMarker = "...(truncated)";
inline constexpr std::string_view kTooDeepMarker = "[TRUNCATED: too deep]";

/// Returns `payload` with the rules above applied.
boost::json::object sanitize_payload(boost::json::object payload,
                                     const SanitizerLimits& limits = {});

/// How a member's key bears on its value. The key is split into lower-cased words at
/// every character other than a letter or digit, at letter/digit changes and at
/// camelCase boundaries ("X-Api-Key" -> x api key, "accessToken" -> access token,
/// "APIKey" -> api key, "key2" -> key 2). Then:
///  - secret when a word is auth, oauth, authorization, passphrase, cookie or
///    cookies; or contains password, passwd, secret, credential, apikey, privatekey
///    or accesskey; or is key/keys and is the last word or follows a qualifier
///    (api, access, private, secret, session, signing, encryption, master, ssh,
///    client, refresh, auth, bearer, id, csrf, jwt): api_key, private_key_pem,
///    session_keys, but not key_points or key_findings;
///  - otherwise token when a word is or ends with "token" (access_token, csrfToken,
///    promptTokenCount), or is "tokens" after a qualifier (access_tokens): a
///    number or boolean under such a key is a count or a flag and stays, anything
///    else is redacted;
///  - otherwise plain. Whole words only, so keyword, monkey, author, tokenizer and
///    tokens_used / max_tokens are plain.
enum class KeyKind { plain, secret, token };
KeyKind classify_key(std::string_view key);

/// classify_key(key) == KeyKind::secret: the value is redacted whatever it is.
bool is_secret_key(std::string_view key);

/// Makes an error message fit for a client: absolute file paths (/x/y/z, ~/x/y,
/// C:\x\y) become "<path>/" plus their last component (the file name stays, the
/// directories go); `word=value` pairs whose word is a secret key and the user:password
/// of URLs become [REDACTED]; then the result is cut at `max_bytes` (UTF-8 safe) with
/// "...(truncated)" appended. Relative paths are left alone.
std::string sanitize_error_message(std::string_view message, std::size_t max_bytes = 300);

/// The first `max_bytes` of `text`, cut back to a UTF-8 character boundary, plus
/// "...(truncated)" when anything was cut; `text` unchanged otherwise.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace agenthost::events
