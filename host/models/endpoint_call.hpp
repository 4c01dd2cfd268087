#pragma once
// EndpointCall: one model call on the I/O thread of ModelEndpoints: waits for a slot
// of its endpoint, then per attempt resolves, connects (TLS when https), sends the
// request, reads the answer as it arrives, and retries or ends. Internal to
// host/models: it includes Beast, so only the component's .cpp files include it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/models_section.hpp"
#include "models/completion_assembler.hpp"
#include "models/model_endpoints.hpp"
#include "models/sse_parser.hpp"

namespace agenthost::models {

class EndpointCall;

/// One configured endpoint: its settings, TLS context, line of waiting calls and
/// counters. The line and `active` are touched on the I/O thread only.
struct Endpoint {
  std::string name;
  config::ModelEndpointSettings settings;
  std::unique_ptr<boost::asio::ssl::context> tls;  // null for http
  std::deque<std::shared_ptr<EndpointCall>> line;
  std::uint32_t active = 0;
  std::unordered_map<std::string, std::uint32_t> active_by_user;  // users with calls in flight
  // When each user with calls in flight or waiting last got a slot (a count of
  // starts): among users with equally few calls in flight, the one served longest
  // ago goes first, so users take turns.
  std::unordered_map<std::string, std::uint64_t> last_start;
  std::uint64_t starts = 0;
  struct {
    std::atomic<std::uint64_t> requests{0}, retries{0}, failures{0}, in_flight{0}, waiting{0},
        prompt_tokens{0}, completion_tokens{0};
  } counters;
};

class EndpointCall final : public ModelCall, public std::enable_shared_from_this<EndpointCall> {
 public:
  EndpointCall(boost::asio::io_context& io, Endpoint& endpoint, std::string user_id,
               std::string body, TextSink on_text, CallDone done);

  /// On the I/O thread: takes a slot of the endpoint or joins its line.
  void begin();
  void abort() override;

 private:
  using Clock = std::chrono::steady_clock;
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  enum class Stage { queued, connecting, reading, backoff, done };

  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }

  void take_slot();
  void start_attempt();
  void connect(const boost::asio::ip::tcp::resolver::results_type& addresses);
  void send();
  void read_header();
  void on_header();
  void read_body();
  void consume(std::string_view bytes);
  void body_complete();
  /// A failed operation: aborted, timed out, retried or the call's end.
  void on_failure(const boost::system::error_code& ec, std::string_view during);
  /// Retries after a delay when allowed, or ends the call with `error`.
  void retry_or_fail(std::exception_ptr error,
                     std::optional<std::chrono::milliseconds> retry_after);
  void finish(std::exception_ptr error);
  void arm_watchdog(Clock::time_point at);
  void close_stream();
  void release_slot();
  /// Drops the user's turn record when it has no call in flight or waiting.
  void forget_user_if_idle();
  std::string describe_status() const;

  boost::asio::io_context& io_;
  Endpoint& endpoint_;
  const std::string user_id_;
  const std::string body_;
  TextSink on_text_;
  CallDone done_;
  Clock::time_point deadline_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer watchdog_;
  boost::asio::steady_timer backoff_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::buffer_body>> parser_;
  std::array<char, 4096> chunk_{};  // a read's worth: a few server-sent events
  std::optional<CompletionAssembler> assembler_;
  std::optional<SseParser> sse_;
  std::string whole_body_;  // a non-streamed answer, or an error's body
  unsigned status_ = 0;
  bool event_stream_ = false;
  Stage stage_ = Stage::queued;
  std::uint32_t retries_ = 0;
  bool holds_slot_ = false;
  bool first_byte_ = false;  // the answer's header arrived in this attempt
  bool aborted_ = false;
  bool timed_out_ = false;
};

}  // namespace agenthost::models
