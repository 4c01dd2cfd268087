#include "database/database_url.hpp"

#include <string_view>
#include <vector>

#include "database/database_error.hpp"
#include "text/percent_encoding.hpp"

namespace agenthost::database {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// libpq's own reading of URLs is lenient: text that is not a valid escape stays as
// written.
std::string percent_decode(std::string_view s) {
  return text::percent_decode(s, false).value_or(std::string(s));
}

// The password of "scheme://user:pw@host..." and the value of a "password=" parameter.
struct PasswordSpan {
  std::size_t begin = std::string::npos;
  std::size_t end = std::string::npos;
};

std::vector<PasswordSpan> password_spans(const std::string& url) {
  std::vector<PasswordSpan> spans;
  auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    auto authority_begin = scheme_end + 3;
    auto authority_end = url.find_first_of("/?#", authority_begin);
    if (authority_end == std::string::npos) authority_end = url.size();
    auto at = url.rfind('@', authority_end - 1);
    if (at != std::string::npos && at >= authority_begin) {
      auto colon = url.find(':', authority_begin);
      if (colon != std::string::npos && colon < at) spans.push_back({colon + 1, at});
    }
  }
  for (std::size_t pos = 0; (pos = url.find("password=", pos)) != std::string::npos;) {
    bool starts_key = pos == 0 || url[pos - 1] == '?' || url[pos - 1] == '&' || url[pos - 1] == ' ';
    auto value_begin = pos + 9;
    auto value_end = url.find_first_of("& #", value_begin);
    if (value_end == std::string::npos) value_end = url.size();
    if (starts_key) spans.push_back({value_begin, value_end});
    pos = value_end;
  }
  return spans;
}

// SOCI 4.0's PostgreSQL backend re-splits its connect string into key=value
// words (a value may be wrapped in double quotes, which it strips) before libpq
// sees it, which mangles URIs. So the URI becomes libpq keyword/value form here,
// each value single-quoted for libpq, and double-quoted for SOCI when it holds
// blanks.
std::string conninfo_pair(const std::string& key, const std::string& value,
                          const std::string& masked) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  const bool blank = value.find_first_of(" \t\r\n") != std::string::npos;
  if (blank && value.find('"') != std::string::npos)
    throw DatabaseError("database URL '" + masked + "': the value of '" + key +
                        "' holds both blanks and a double quote, which SOCI cannot pass on");
  return key + "=" + (blank ? "\"" + quoted + "\"" : quoted);
}

std::string postgres_conninfo(const std::string& url, const std::string& masked) {
  std::string_view rest = url;
  rest.remove_prefix(rest.find("://") + 3);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest, path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  std::vector<std::string> pairs;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    if (!userinfo.substr(0, colon).empty())
      pairs.push_back(conninfo_pair("user", percent_decode(userinfo.substr(0, colon)), masked));
    if (colon != std::string_view::npos)
      pairs.push_back(
          conninfo_pair("password", percent_decode(userinfo.substr(colon + 1)), masked));
  }
  // host[:port] entries, comma-separated; an IPv6 host is in brackets.
  std::vector<std::string> hosts, ports;
  while (!authority.empty()) {
    auto comma = authority.find(',');
    auto entry = authority.substr(0, comma);
    authority = comma == std::string_view::npos ? std::string_view() : authority.substr(comma + 1);
    std::string_view host = entry, port;
    if (!entry.empty() && entry.front() == '[') {
      auto close = entry.find(']');
      if (close == std::string_view::npos)
        throw DatabaseError("database URL '" + masked + "' has an unclosed '[' in its host");
      host = entry.substr(1, close - 1);
      if (close + 1 < entry.size() && entry[close + 1] == ':') port = entry.substr(close + 2);
    } else if (auto colon = entry.rfind(':'); colon != std::string_view::npos) {
      host = entry.substr(0, colon);
      port = entry.substr(colon + 1);
    }
    hosts.push_back(percent_decode(host));
    ports.emplace_back(port);
  }
  auto joined_if_any = [](const std::vector<std::string>& parts) {
    std::string out;
    bool any = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      out += (i ? "," : "") + parts[i];
      any = any || !parts[i].empty();
    }
    return any ? out : std::string();
  };
  if (auto h = joined_if_any(hosts); !h.empty()) pairs.push_back(conninfo_pair("host", h, masked));
  if (auto p = joined_if_any(ports); !p.empty()) pairs.push_back(conninfo_pair("port", p, masked));
  if (!path.empty()) pairs.push_back(conninfo_pair("dbname", percent_decode(path), masked));
  while (!query.empty()) {
    auto amp = query.find('&');
    auto param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param.empty()) continue;
    auto eq = param.find('=');
    if (eq == std::string_view::npos)
      throw DatabaseError("database URL '" + masked + "' has a parameter without a value: '" +
                          std::string(param.substr(0, 40)) + "'");
    std::string key = percent_decode(param.substr(0, eq));
    std::string value = percent_decode(param.substr(eq + 1));
    if (key == "ssl" && value == "true") {  // the JDBC-style alias libpq accepts in URIs
      key = "sslmode";
      value = "require";
    }
    pairs.push_back(conninfo_pair(key, value, masked));
  }
  std::string conninfo;
  for (const auto& pair : pairs) conninfo += (conninfo.empty() ? "" : " ") + pair;
  return conninfo;
}

}  // namespace

std::string mask_database_url(const std::string& url) {
  auto spans = password_spans(url);
  std::string out;
  std::size_t copied = 0;
  // Spans come in increasing order: userinfo first, then query parameters.
  for (const auto& span : spans) {
    if (span.begin < copied) continue;
    out.append(url, copied, span.begin - copied);
    out += "***";
    copied = span.end;
  }
  out.append(url, copied, std::string::npos);
  return out;
}

std::string scrub_secrets(std::string message, const std::vector<std::string>& secrets) {
  for (const auto& raw : secrets) {
    for (const auto& secret : {raw, percent_decode(raw)}) {
      if (secret.empty()) continue;
      for (std::size_t pos = 0; (pos = message.find(secret, pos)) != std::string::npos;) {
        message.replace(pos, secret.size(), "***");
        pos += 3;
      }
    }
  }
  return message;
}

DatabaseUrl parse_database_url(const std::string& url) {
  const std::string masked = mask_database_url(url);
  const std::string accepted =
      "; expected \"sqlite:/absolute/path/to/file.db\" or "
      "\"postgresql://user:password@host:port/database\"";
  if (url.empty()) throw DatabaseError("database URL is empty" + accepted);

  DatabaseUrl parsed;
  parsed.masked = masked;
  for (std::string_view scheme : {"sqlite3:", "sqlite:"}) {
    if (!starts_with(url, scheme)) continue;
    std::string_view path = std::string_view(url).substr(scheme.size());
    // "sqlite:///abs" (empty authority) is the same file as "sqlite:/abs".
    if (starts_with(path, "//")) path.remove_prefix(2);
    if (path.empty() || path.find('?') != std::string_view::npos)
      throw DatabaseError("database URL '" + masked + "' names no SQLite file" + accepted);
    if (path.find('"') != std::string_view::npos)
      throw DatabaseError("SQLite path in database URL '" + masked +
                          "' contains a double quote, which SOCI cannot pass on; rename it");
    parsed.backend = "sqlite3";
    parsed.sqlite_path = std::filesystem::absolute(std::filesystem::path(path));
    parsed.connect_string = "db=\"" + parsed.sqlite_path.string() + "\"";
    return parsed;
  }
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
    parsed.backend = "postgresql";
    parsed.connect_string = postgres_conninfo(url, masked);
    for (const auto& span : password_spans(url))
      parsed.secrets.push_back(url.substr(span.begin, span.end - span.begin));
    return parsed;
  }
  throw DatabaseError("unsupported database URL '" + masked + "'" + accepted);
}

}  // namespace agenthost::database
