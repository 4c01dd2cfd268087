#include "server/request_target.hpp"

#include "text/percent_encoding.hpp"

namespace agenthost::server {

using text::percent_decode;

namespace {

constexpr std::size_t kMaxTargetBytes = 8192;

}  // namespace

const std::string* RequestTarget::query_value(std::string_view name) const noexcept {
  for (const auto& [key, value] : query)
    if (key == name) return &value;
  return nullptr;
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
  if (target.empty() || target.front() != '/' || target.size() > kMaxTargetBytes)
    return std::nullopt;
  RequestTarget out;
  const auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  // A fragment is never sent by clients; refuse rather than guess.
  if (target.find('#') != std::string_view::npos) return std::nullopt;

  path.remove_prefix(1);
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto raw = path.substr(0, slash);
    auto segment = percent_decode(raw, false);
    if (!segment) return std::nullopt;
    if (segment->empty() && slash != std::string_view::npos) return std::nullopt;
    out.segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) out.segments.emplace_back();  // trailing '/'
  }

  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto name = percent_decode(pair.substr(0, eq), true);
      auto value = percent_decode(
          eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
      if (!name || !value) return std::nullopt;
      out.query.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace agenthost::server
