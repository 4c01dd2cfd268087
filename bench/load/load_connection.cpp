#include "load_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <utility>

#include "noop_run_shape.hpp"

namespace agenthost::bench::load {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr auto kConnectTimeout = std::chrono::seconds(30);

class BeastLoadConnection final : public LoadConnection,
                                  public std::enable_shared_from_this<BeastLoadConnection> {
 public:
  BeastLoadConnection(net::io_context& io, const ServerAddress& server, std::string user,
                      std::string token, int agent_events, int wait_ms,
                      ConnectionObserver& observer)
      : ws_(io),
        server_(server),
        user_(std::move(user)),
        token_(std::move(token)),
        agent_events_(agent_events),
        wait_ms_(wait_ms),
        observer_(observer),
        checker_(user_, agent_events) {}

  void connect() override {
    beast::error_code ec;
    const auto address = net::ip::make_address(server_.host, ec);
    if (ec) return fail("bad address " + server_.host + ": " + ec.message(), false);
    auto& stream = beast::get_lowest_layer(ws_);
    stream.expires_after(kConnectTimeout);
    stream.async_connect(tcp::endpoint(address, server_.port),
                         [self = shared_from_this()](beast::error_code e) { self->on_connect(e); });
  }

  void start_run(Clock::time_point started) override {
    if (closed_) return;
    // Appended piece by piece: GCC 12 reports a false -Wrestrict for "literal" + string.
    std::string request_id("r");
    request_id += std::to_string(++requests_);
    // The host's own frame shape (docs/protocol.md); a fresh thread per run.
    std::string frame(R"({"type":"start_run","request_id":")");
    frame += request_id;
    frame += R"(","agent":")";
    frame += kAgentName;
    frame += R"(","input":{"events":)";
    frame += std::to_string(agent_events_);
    if (wait_ms_ > 0) {
      frame += R"(,"wait_ms":)";
      frame += std::to_string(wait_ms_);
    }
    frame += "}}";
    checker_.sent(std::move(request_id), started);
    send(std::move(frame));
  }

  std::size_t in_flight() const override { return checker_.in_flight(); }

  void close() override {
    if (closed_) return;
    closed_ = true;
    if (!open_) {
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
      return;
    }
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

  const std::string& user() const override { return user_; }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect: " + ec.message(), false);
    // Without it Nagle holds back small frames for ~40 ms behind delayed ACKs.
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(
        websocket::stream_base::decorator([token = token_](websocket::request_type& req) {
          req.set(http::field::authorization, "Bearer " + token);
        }));
    ws_.async_handshake(
        response_, server_.host, "/v1/ws",
        [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      return fail("WebSocket upgrade refused (HTTP " + std::to_string(response_.result_int()) +
                      "): " + ec.message() + " " + response_.body(),
                  false);
    }
    open_ = true;
    ws_.text(true);
    observer_.connected(*this);
    read();
    if (!queue_.empty()) write();
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) {
      if (closed_) return;
      return fail("read: " + ec.message(), false);
    }
    const auto now = Clock::now();
    const auto data = buffer_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    FrameOutcome outcome;
    try {
      outcome = checker_.check(frame, now);
    } catch (const StreamViolation& e) {
      return fail(e.what(), true);
    }
    buffer_.consume(buffer_.size());
    observer_.received(*this, outcome, bytes, now);
    read();
  }

  void send(std::string frame) {
    queue_.push_back(std::move(frame));
    if (open_ && queue_.size() == 1) write();
  }

  // One write in flight; frames wait in the queue behind it.
  void write() {
    ws_.async_write(
        net::buffer(queue_.front()),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    if (ec) {
      if (closed_) return;
      return fail("write: " + ec.message(), false);
    }
    queue_.pop_front();
    if (!queue_.empty() && !closed_) write();
  }

  void fail(const std::string& why, bool violation) {
    if (closed_) return;
    observer_.failed(*this, violation ? why : user_ + ": " + why,
                     violation);  // violations name the user already
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  websocket::stream<beast::tcp_stream> ws_;
  ServerAddress server_;
  std::string user_;
  std::string token_;
  int agent_events_;
  int wait_ms_;
  ConnectionObserver& observer_;
  RunStreamChecker checker_;
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::uint64_t requests_ = 0;
  bool open_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<LoadConnection> LoadConnection::create(net::io_context& io,
                                                       const ServerAddress& server,
                                                       std::string user, std::string token,
                                                       int agent_events, int wait_ms,
                                                       ConnectionObserver& observer) {
  return std::make_shared<BeastLoadConnection>(io, server, std::move(user), std::move(token),
                                               agent_events, wait_ms, observer);
}

}  // namespace agenthost::bench::load
