#pragma once
/// \file
/// Listener: accepts TCP connections on the server's port, each onto a strand of
/// its own, with TCP_NODELAY (small frames otherwise wait ~40 ms for Nagle), and
/// hands each to an HttpSession. Internal.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>

#include "server/server_state.hpp"

namespace agenthost::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Opens, binds and listens. Throws boost::system::system_error on failure.
  Listener(ServerState& state, const boost::asio::ip::tcp::endpoint& endpoint);

  /// Starts accepting.
  void run();
  /// Stops accepting (posted to the listener's strand). Any thread.
  void stop();

  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  ServerState& state_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // after accept errors (EMFILE, ...)
};

}  // namespace agenthost::server
