#include "server/http_server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/ip/address.hpp>

#include <boost/asio/post.hpp>

#include <boost/asio/executor_work_guard.hpp>

#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "auth/authenticator.hpp"
#include "server/listener.hpp"
#include "server/server_state.hpp"
#include "threads/thread_name.hpp"

namespace agenthost::server {

namespace net = boost::asio;

namespace {

// asio's thread_pool starts its threads itself. Each is named by a task that then
// waits until every thread has taken one, so that no thread takes two.
void name_request_threads(net::thread_pool& pool, std::uint32_t count) {
  auto all_named = std::make_shared<std::latch>(count);  // outlives the last waiter
  for (std::uint32_t i = 0; i < count; ++i)
    net::post(pool, [all_named, i] {
      threads::name_this_thread("ah-request-" + std::to_string(i));
      all_named->arrive_and_wait();
    });
  all_named->wait();
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, ServerDeps deps) : state(std::move(options), deps) {
    name_request_threads(state.request_pool, state.options.request_threads);
  }

  void run_io() {
    // A handler that throws is a bug; log it and keep serving the other connections.
    for (;;) {
      try {
        state.io.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("server I/O thread: unexpected exception: {}", e.what());
      }
    }
  }

  ServerState state;
  std::mutex lifecycle;
  bool started = false;
  bool stopped = false;
  std::shared_ptr<Listener> listener;
  // Keeps the I/O threads running until stop() ends them: between a closed listener
  // and the last session's next operation (its answer being computed on a request
  // thread, say) the context has no work, and run() would return for good.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::uint64_t reload_listener = 0;
  std::vector<std::thread> io_threads;
};

HttpServer::HttpServer(ServerOptions options, ServerDeps deps) {
  check_options(options);
  impl_ = std::make_unique<Impl>(std::move(options), deps);
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::start() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->started) throw std::logic_error("HttpServer::start called twice");
  const auto& options = impl_->state.options;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec)
    throw std::invalid_argument("server.address \"" + options.address +
                                "\" is not an IP address: " + ec.message());
  try {
    impl_->listener =
        std::make_shared<Listener>(impl_->state, net::ip::tcp::endpoint(address, options.port));
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + options.address + ":" +
                             std::to_string(options.port) + ": " + e.code().message());
  }
  impl_->started = true;
  const auto port = impl_->listener->local_endpoint().port();
  impl_->work.emplace(impl_->state.io.get_executor());
  impl_->listener->run();
  // WebSockets opened with credentials that a reload revokes are closed (4001).
  impl_->reload_listener =
      impl_->state.deps.authenticator.add_reload_listener([&sessions = impl_->state.sessions] {
        for (const auto& session : sessions.snapshot()) session->credentials_changed();
      });
  for (std::uint32_t i = 0; i < options.io_threads; ++i)
    impl_->io_threads.push_back(threads::start_named("ah-io-" + std::to_string(i),
                                                     [impl = impl_.get()] { impl->run_io(); }));
  spdlog::info("listening on {}:{}", options.address, port);
  return port;
}

void HttpServer::set_ready(bool ready) noexcept { impl_->state.ready.store(ready); }

bool HttpServer::ready() const noexcept { return impl_->state.ready.load(); }

std::size_t HttpServer::connection_count() const { return impl_->state.sessions.size(); }

ServerCounters HttpServer::counters() const { return impl_->state.counters.snapshot(); }

bool HttpServer::responsive(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(impl_->lifecycle);
    if (!impl_->started || impl_->stopped) return false;
  }
  // Shared: the handler may run after this call gave up waiting.
  auto ran = std::make_shared<std::promise<void>>();
  auto done = ran->get_future();
  net::post(impl_->state.io, [ran] { ran->set_value(); });
  return done.wait_for(timeout) == std::future_status::ready;
}

void HttpServer::update_limits(double runs_per_second_per_user,
                               std::uint32_t max_connections_per_user) {
  impl_->state.limiter.set_rate(runs_per_second_per_user);
  impl_->state.connections.set_limit(max_connections_per_user);
  impl_->state.http_connections.set_limit(max_connections_per_user);
}

void HttpServer::stop() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->stopped) return;
  impl_->stopped = true;
  auto& state = impl_->state;
  state.ready.store(false);
  state.stopping.store(true);
  if (!impl_->started) return;

  state.deps.authenticator.remove_reload_listener(impl_->reload_listener);
  impl_->listener->stop();
  for (const auto& session : state.sessions.snapshot()) session->shut_down();
  // Close handshakes are bounded by handshake_timeout, stuck writes by write_timeout.
  const auto grace = state.options.handshake_timeout + state.options.write_timeout;
  if (!state.sessions.wait_empty(grace))
    spdlog::warn("{} connection(s) still open after {} ms; closing them abruptly",
                 state.sessions.size(), grace.count());
  // Requests still being answered post their results to the I/O threads: let them
  // finish while those still run.
  state.request_pool.join();
  impl_->work.reset();
  state.io.stop();
  for (auto& thread : impl_->io_threads) thread.join();
  impl_->io_threads.clear();
  // Nothing may post to the stopped io_context from now on (the engine may still
  // deliver events to the sessions' inboxes).
  for (const auto& session : state.sessions.snapshot()) session->detach();
  spdlog::info("server stopped");
}

}  // namespace agenthost::server
