#pragma once
/// \file
/// Internal to agentctl: blocking calls made of Beast's asynchronous operations on a
/// private io_context, so that every connect, request and handshake has a deadline
/// (Beast's synchronous operations cannot time out). Includes Beast; only the two
/// clients include this.

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "agentctl/host_url.hpp"

namespace agenthost::agentctl::detail {

namespace net = boost::asio;
namespace beast = boost::beast;

inline constexpr std::chrono::seconds kConnectTimeout{10};

/// Runs `io` until `done` is set (by the handler of the operation just started).
void run_until(net::io_context& io, const bool& done);

/// Resolves url.host and connects `stream` within kConnectTimeout, TCP_NODELAY on.
/// Throws CommandError(unreachable): "cannot reach agenthost at URL: REASON".
void connect(net::io_context& io, beast::tcp_stream& stream, const HostUrl& url);

/// A person's words for a network error: "connection refused", "no answer within 10 s".
std::string describe_network_error(const beast::error_code& ec,
                                   std::chrono::seconds timeout = kConnectTimeout);

/// Throws CommandError(unreachable): "cannot reach agenthost at URL: REASON".
[[noreturn]] void throw_unreachable(const HostUrl& url, std::string_view reason);

}  // namespace agenthost::agentctl::detail
