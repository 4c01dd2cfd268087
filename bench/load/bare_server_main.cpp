// agenthost_bare_server: the physical limit of this machine's WebSocket transport for
// the load benchmark. Speaks just enough of the host's protocol for agenthost_load:
// every start_run is answered at once with a no-op run's frames (same count, shape and
// sizes as agenthostd's), with no authentication, agent, database or event store.
//
//   agenthost_bare_server [--port P (default 0: any)] [--threads T (default 2)]
//                         [--drop-event-every N]   (a fault: every Nth run loses an event)
//
// Prints "listening on port N" once it accepts connections; runs until killed.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bare_session.hpp"

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Accepts on the first io_context and deals the sockets out to all of them: one
// thread per io_context, no locks, like the host's io threads.
class BareListener {
 public:
  BareListener(std::vector<std::unique_ptr<net::io_context>>& ios, std::uint16_t port,
               std::uint64_t drop_event_every)
      : ios_(ios), acceptor_(*ios.front()), drop_event_every_(drop_event_every) {
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void accept() {
    auto& io = *ios_[next_++ % ios_.size()];
    acceptor_.async_accept(io, [this, index = next_](boost::system::error_code ec, tcp::socket s) {
      if (!ec)
        agenthost::bench::load::start_bare_session(std::move(s), static_cast<std::uint32_t>(index),
                                                   drop_event_every_);
      accept();
    });
  }

 private:
  std::vector<std::unique_ptr<net::io_context>>& ios_;
  tcp::acceptor acceptor_;
  std::uint64_t drop_event_every_;
  std::size_t next_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::uint16_t port = 0;
  int threads = 2;
  std::uint64_t drop_event_every = 0;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string option = argv[i];
      if (option == "--port" && i + 1 < argc) {
        port = static_cast<std::uint16_t>(std::stoi(argv[++i]));
      } else if (option == "--threads" && i + 1 < argc) {
        threads = std::max(1, std::stoi(argv[++i]));
      } else if (option == "--drop-event-every" && i + 1 < argc) {
        drop_event_every = std::stoull(argv[++i]);
      } else {
        std::cerr
            << "usage: agenthost_bare_server [--port P] [--threads T] [--drop-event-every N]\n";
        return 64;
      }
    }
    std::vector<std::unique_ptr<net::io_context>> ios;
    for (int i = 0; i < threads; ++i) ios.push_back(std::make_unique<net::io_context>(1));
    BareListener listener(ios, port, drop_event_every);
    listener.accept();
    net::signal_set signals(*ios.front(), SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
      for (auto& io : ios) io->stop();
    });
    std::cout << "listening on port " << listener.port() << std::endl;
    std::vector<std::thread> pool;
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
    for (auto& io : ios) guards.push_back(net::make_work_guard(*io));
    for (std::size_t i = 1; i < ios.size(); ++i) pool.emplace_back([&io = *ios[i]] { io.run(); });
    ios.front()->run();
    for (auto& io : ios) io->stop();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::cerr << "agenthost_bare_server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
