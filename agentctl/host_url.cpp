#include "agentctl/host_url.hpp"

#include <charconv>

#include "agentctl/command_error.hpp"

namespace agenthost::agentctl {

namespace {

[[noreturn]] void refuse(std::string_view text, std::string_view why) {
  throw usage_error("host URL '" + std::string(text) + "': " + std::string(why) +
                    " (expected http://HOST[:PORT], e.g. " + std::string(kDefaultHostUrl) + ")");
}

std::uint16_t parse_port(std::string_view url, std::string_view digits) {
  unsigned value = 0;
  const auto* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535)
    refuse(url, "the port must be a number from 1 to 65535");
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string HostUrl::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HostUrl::target(std::string_view path) const { return base_path + std::string(path); }

HostUrl parse_host_url(std::string_view text) {
  std::string_view rest = text;
  if (rest.empty()) refuse(text, "it is empty");
  if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    const auto scheme = rest.substr(0, scheme_end);
    if (scheme == "https" || scheme == "wss")
      refuse(text, "agentctl speaks plain http only; reach a TLS host through a local tunnel");
    if (scheme != "http")
      refuse(text, "the scheme must be http, not '" + std::string(scheme) + "'");
    rest.remove_prefix(scheme_end + 3);
  }
  if (rest.find_first_of("?#") != std::string_view::npos)
    refuse(text, "a query or fragment has no meaning here");
  const auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    refuse(text, "put the token in --token or AGENTHOST_TOKEN, not in the URL");

  HostUrl url;
  url.port = 80;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) refuse(text, "the IPv6 address has no closing ']'");
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') refuse(text, "unexpected text after the IPv6 address");
      url.port = parse_port(text, after.substr(1));
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) url.port = parse_port(text, authority.substr(colon + 1));
  }
  if (url.host.empty()) refuse(text, "the host name is missing");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.base_path = std::string(path);
  const auto shown_host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  url.text = "http://" + shown_host + ":" + std::to_string(url.port) + url.base_path;
  return url;
}

}  // namespace agenthost::agentctl
