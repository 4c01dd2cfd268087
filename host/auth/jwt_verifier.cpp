#include "auth/jwt_verifier.hpp"

#include <jwt.h>

#include <boost/json/value.hpp>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>

#include "agenthost/id_rules.hpp"
#include "json/parse.hpp"

namespace agenthost::auth {

namespace {

int base64url_digit(unsigned char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    const int d = base64url_digit(c);
    if (d < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

struct JwtDeleter {
  void operator()(jwt_t* jwt) const noexcept { jwt_free(jwt); }
};
struct MallocDeleter {
  void operator()(char* p) const noexcept { std::free(p); }
};

AuthResult invalid(std::string reason) {
  return AuthResult::refused(AuthFailure::invalid, "JWT refused: " + std::move(reason));
}

// The header's alg, read before any signature check so that a token signed with
// another algorithm (or none) is refused by name, whatever libjwt would make of it.
std::optional<std::string> header_alg(std::string_view token) {
  const auto header = base64url_decode(token.substr(0, token.find('.')));
  if (!header) return std::nullopt;
  const auto parsed = json::parse(*header);
  const auto* value = std::get_if<boost::json::value>(&parsed);
  if (!value || !value->is_object()) return std::nullopt;
  const auto* alg = value->as_object().if_contains("alg");
  if (!alg || !alg->is_string()) return std::nullopt;
  return std::string(alg->as_string());
}

// A NumericDate claim (seconds since the epoch, integer or not); nullopt when absent,
// throws std::invalid_argument when present but not a number.
std::optional<double> numeric_date(const boost::json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double() && std::isfinite(v->as_double())) return v->as_double();
  throw std::invalid_argument(std::string(name) + " is not a number");
}

bool audience_matches(const boost::json::value& aud, std::string_view wanted) {
  if (aud.is_string()) return aud.as_string() == wanted;
  if (aud.is_array())
    for (const auto& a : aud.as_array())
      if (a.is_string() && a.as_string() == wanted) return true;
  return false;
}

}  // namespace

bool looks_like_jwt(std::string_view token) noexcept {
  std::size_t dots = 0;
  std::size_t segment = 0;
  for (unsigned char c : token) {
    if (c == '.') {
      if (segment == 0) return false;
      ++dots;
      segment = 0;
    } else if (base64url_digit(c) < 0) {
      return false;
    } else {
      ++segment;
    }
  }
  return dots == 2;
}

AuthResult verify_hs256_jwt(std::string_view token, const JwtSettings& settings,
                            std::chrono::system_clock::time_point now) {
  const auto alg = header_alg(token);
  if (!alg) return invalid("the header is not base64url JSON with a string alg");
  if (*alg != "HS256") return invalid("alg \"" + alg->substr(0, 16) + "\" is not HS256");

  const std::string nul_terminated(token);
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, nul_terminated.c_str(),
                            reinterpret_cast<const unsigned char*>(settings.secret.data()),
                            static_cast<int>(settings.secret.size()));
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  if (rc != 0 || !jwt) return invalid("bad signature or malformed token");
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return invalid("alg is not HS256");

  std::unique_ptr<char, MallocDeleter> grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (!grants) return invalid("no claims");
  const auto parsed = json::parse(grants.get());
  const auto* claims_value = std::get_if<boost::json::value>(&parsed);
  if (!claims_value || !claims_value->is_object())
    return invalid("the claims are not a JSON object");
  const auto& claims = claims_value->as_object();

  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  const auto leeway = static_cast<double>(settings.leeway.count());
  std::chrono::system_clock::time_point valid_until;
  try {
    const auto exp = numeric_date(claims, "exp");
    if (!exp) return invalid("no exp claim (tokens must expire)");
    if (now_s >= *exp + leeway)
      return AuthResult::refused(AuthFailure::expired, "JWT refused: expired");
    valid_until = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(*exp + leeway)));
    const auto nbf = numeric_date(claims, "nbf");
    if (nbf && now_s + leeway < *nbf)
      return AuthResult::refused(AuthFailure::expired, "JWT refused: nbf is in the future");
  } catch (const std::invalid_argument& e) {
    return invalid(e.what());
  }

  if (!settings.issuer.empty()) {
    const auto* iss = claims.if_contains("iss");
    if (!iss || !iss->is_string() || iss->as_string() != settings.issuer)
      return invalid("iss does not match the configured issuer");
  }
  if (!settings.audience.empty()) {
    const auto* aud = claims.if_contains("aud");
    if (!aud || !audience_matches(*aud, settings.audience))
      return invalid("aud does not contain the configured audience");
  }

  const auto* sub = claims.if_contains("sub");
  if (!sub || !sub->is_string()) return invalid("no string sub claim");
  const std::string user_id(sub->as_string());
  if (auto problem = agenthost::id_problem(user_id); !problem.empty())
    return invalid("sub " + problem);
  auto accepted = AuthResult::accepted(user_id);
  accepted.valid_until = valid_until;
  return accepted;
}

}  // namespace agenthost::auth
