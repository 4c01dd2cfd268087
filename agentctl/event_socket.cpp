// The real FrameConnection: a Beast WebSocket client on a private io_context.
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <csignal>

#include "agentctl/command_error.hpp"
#include "agentctl/frame_connection.hpp"
#include "agentctl/host_reply.hpp"
#include "agentctl/transport.hpp"

namespace agenthost::agentctl {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

/// Largest frame agentctl accepts from the host.
constexpr std::size_t kMaxFrameBytes = std::size_t{64} << 20;

std::string describe_close(const websocket::close_reason& reason) {
  std::string text = "the host closed the connection (" + std::to_string(reason.code);
  switch (reason.code) {
    case websocket::close_code::going_away:
      text += ": the host is shutting down";
      break;
    case websocket::close_code::too_big:
      text += ": a frame was larger than the host accepts";
      break;
    case websocket::close_code::try_again_later:
      text += ": this client read too slowly";
      break;
    case websocket::close_code::policy_error:
      text += ": policy";
      break;
    default:
      break;
  }
  if (!reason.reason.empty()) text += ", " + std::string(reason.reason.c_str());
  return text + ")";
}

class EventSocket final : public FrameConnection {
 public:
  EventSocket(const HostUrl& url, const std::optional<std::string>& token) : url_(url) {
    detail::connect(io_, ws_.next_layer(), url_);
    ws_.read_message_max(kMaxFrameBytes);
    ws_.set_option(websocket::stream_base::decorator([token](websocket::request_type& request) {
      request.set(http::field::user_agent, "agentctl");
      if (token) request.set(http::field::authorization, "Bearer " + *token);
    }));
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = detail::kConnectTimeout;
    timeouts.idle_timeout = kSocketIdleTimeout;
    timeouts.keep_alive_pings = true;
    // The WebSocket keeps its own timers; the TCP stream's would cut long reads.
    ws_.next_layer().expires_never();
    ws_.set_option(timeouts);

    websocket::response_type response;
    beast::error_code ec;
    bool done = false;
    ws_.async_handshake(response, url_.host_header(), url_.target("/v1/ws"),
                        [&](beast::error_code e) {
                          ec = e;
                          done = true;
                        });
    detail::run_until(io_, done);
    if (ec == websocket::error::upgrade_declined) {
      std::string retry_after;
      if (auto it = response.find(http::field::retry_after); it != response.end())
        retry_after = std::string(it->value());
      throw CommandError(ExitCode::failed,
                         describe_http_refusal(response.result_int(), response.body(),
                                               token.has_value(), retry_after));
    }
    if (ec)
      detail::throw_unreachable(
          url_, "WebSocket handshake failed: " + detail::describe_network_error(ec));
  }

  void send(const std::string& text) override {
    if (broken_) return;
    beast::error_code ec;
    bool done = false;
    ws_.text(true);
    ws_.async_write(net::buffer(text), [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    detail::run_until(io_, done);
    if (ec) fail("sending failed: " + detail::describe_network_error(ec, kSocketIdleTimeout));
  }

  FrameRead read() override {
    if (broken_) return {FrameRead::Kind::closed, broken_reason_};
    bool interrupted = false;
    signals_.async_wait([&](beast::error_code e, int) {
      if (e) return;
      interrupted = true;
      beast::error_code ignored;
      ws_.next_layer().socket().cancel(ignored);
    });
    buffer_.clear();
    beast::error_code ec;
    bool done = false;
    ws_.async_read(buffer_, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    detail::run_until(io_, done);
    beast::error_code ignored;
    signals_.cancel(ignored);
    // Let the cancelled wait complete while the flag it sets still exists.
    io_.restart();
    io_.poll();
    if (interrupted) {
      fail("interrupted");
      return {FrameRead::Kind::interrupted, {}};
    }
    if (ec == websocket::error::closed) {
      fail(describe_close(ws_.reason()));
    } else if (ec == beast::error::timeout) {
      fail("the host did not answer pings for " + std::to_string(kSocketIdleTimeout.count()) +
           " s");
    } else if (ec) {
      fail(detail::describe_network_error(ec, kSocketIdleTimeout));
    } else if (!ws_.got_text()) {
      return read();  // the protocol has no binary frames from the host; skip any
    } else {
      return {FrameRead::Kind::frame, beast::buffers_to_string(buffer_.data())};
    }
    return {FrameRead::Kind::closed, broken_reason_};
  }

  void close() noexcept override {
    if (broken_) return;
    broken_ = true;
    broken_reason_ = "closed";
    try {
      websocket::stream_base::timeout timeouts{};
      timeouts.handshake_timeout = std::chrono::seconds(2);
      timeouts.idle_timeout = websocket::stream_base::none();
      timeouts.keep_alive_pings = false;
      ws_.set_option(timeouts);
      bool done = false;
      ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
      detail::run_until(io_, done);
    } catch (...) {
      // Best effort: the host treats a dropped connection like a closed one.
    }
  }

 private:
  void fail(std::string reason) {
    if (broken_) return;
    broken_ = true;
    broken_reason_ = std::move(reason);
    beast::error_code ignored;
    ws_.next_layer().socket().close(ignored);
  }

  HostUrl url_;
  net::io_context io_;
  // Registered for the connection's whole life: a signal between two reads is kept
  // and reported by the next read instead of killing agentctl mid-line.
  net::signal_set signals_{io_, SIGINT, SIGTERM};
  websocket::stream<beast::tcp_stream> ws_{io_};
  beast::flat_buffer buffer_;
  bool broken_ = false;
  std::string broken_reason_;
};

}  // namespace

std::unique_ptr<FrameConnection> open_event_socket(const HostUrl& url,
                                                   const std::optional<std::string>& token) {
  return std::make_unique<EventSocket>(url, token);
}

}  // namespace agenthost::agentctl
