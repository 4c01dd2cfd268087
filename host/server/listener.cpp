#include "server/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/http_session.hpp"

namespace agenthost::server {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(ServerState& state, const tcp::endpoint& endpoint)
    : state_(state),
      strand_(net::make_strand(state.io)),
      acceptor_(strand_),
      retry_timer_(strand_) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

tcp::endpoint Listener::local_endpoint() const { return acceptor_.local_endpoint(); }

void Listener::run() {
  net::dispatch(strand_, beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::post(strand_, [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(state_.io),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors or memory: back off instead of spinning on the error.
    spdlog::warn("accept failed: {}; retrying in 100 ms", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  if (state_.stopping.load()) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  boost::system::error_code option_ec;
  socket.set_option(tcp::no_delay(true), option_ec);
  if (state_.options.socket_send_buffer_bytes > 0)
    socket.set_option(net::socket_base::send_buffer_size(state_.options.socket_send_buffer_bytes),
                      option_ec);
  if (option_ec) spdlog::debug("socket option refused: {}", option_ec.message());
  HttpSession::start(std::move(socket), state_);
  do_accept();
}

}  // namespace agenthost::server
