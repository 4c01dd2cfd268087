#include "agentctl/transport.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include "agentctl/command_error.hpp"

namespace agenthost::agentctl::detail {

using tcp = net::ip::tcp;

void run_until(net::io_context& io, const bool& done) {
  io.restart();
  while (!done) {
    // No work left and no completion: a bug in the caller, not a hang to wait out.
    if (io.run_one() == 0)
      throw CommandError(ExitCode::unreachable,
                         "internal error: a network operation never finished");
  }
}

std::string describe_network_error(const beast::error_code& ec, std::chrono::seconds timeout) {
  if (ec == beast::error::timeout)
    return "no answer within " + std::to_string(timeout.count()) + " s";
  if (ec == net::error::connection_refused) return "connection refused";
  if (ec == net::error::connection_reset) return "connection reset by the host";
  if (ec == net::error::eof) return "the host closed the connection";
  return ec.message();
}

void throw_unreachable(const HostUrl& url, std::string_view reason) {
  throw CommandError(ExitCode::unreachable,
                     "cannot reach agenthost at " + url.text + ": " + std::string(reason));
}

void connect(net::io_context& io, beast::tcp_stream& stream, const HostUrl& url) {
  tcp::resolver resolver(io);
  beast::error_code ec;
  tcp::resolver::results_type endpoints;
  bool done = false;
  resolver.async_resolve(url.host, std::to_string(url.port),
                         [&](beast::error_code e, tcp::resolver::results_type results) {
                           ec = e;
                           endpoints = std::move(results);
                           done = true;
                         });
  run_until(io, done);
  if (ec) throw_unreachable(url, "cannot resolve '" + url.host + "' (" + ec.message() + ")");

  done = false;
  stream.expires_after(kConnectTimeout);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  run_until(io, done);
  if (ec) throw_unreachable(url, describe_network_error(ec));
  stream.socket().set_option(tcp::no_delay(true), ec);
  stream.expires_never();
}

}  // namespace agenthost::agentctl::detail
