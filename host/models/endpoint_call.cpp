#include "models/endpoint_call.hpp"

#include <openssl/ssl.h>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <limits>
#include <random>
#include <utility>

#include "json/parse.hpp"
#include "models/retry_policy.hpp"

namespace agenthost::models {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using agenthost::ModelError;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMaxWholeBody = 16 * 1024 * 1024;

std::exception_ptr model_error(ModelError::Kind kind, const std::string& message) {
  return std::make_exception_ptr(ModelError(kind, message));
}

// The random half of the backoff: jitter spreads retries of many runs apart. The I/O
// thread is the only user.
double jitter() {
  thread_local std::mt19937 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.5, 1.0)(random);
}

std::string seconds_text(milliseconds d) {
  return std::to_string(d.count() / 1000) + "." + std::to_string(d.count() % 1000 / 100) + " s";
}

// "error.message" of an OpenAI-style error body, else the body's start.
std::string error_detail(const std::string& body) {
  auto parsed = json::parse(body);
  if (const auto* value = std::get_if<boost::json::value>(&parsed); value && value->is_object()) {
    const auto* error = value->as_object().if_contains("error");
    if (error && error->is_object())
      if (const auto* m = error->as_object().if_contains("message"); m && m->is_string())
        return std::string(m->as_string());
  }
  return body.substr(0, 200);
}

}  // namespace

EndpointCall::EndpointCall(asio::io_context& io, Endpoint& endpoint, std::string user_id,
                           std::string body, TextSink on_text, CallDone done)
    : io_(io),
      endpoint_(endpoint),
      user_id_(std::move(user_id)),
      body_(std::move(body)),
      on_text_(std::move(on_text)),
      done_(std::move(done)),
      deadline_(Clock::now() + endpoint.settings.request_timeout),
      resolver_(io),
      watchdog_(io),
      backoff_(io) {
  ++endpoint_.counters.requests;
}

void EndpointCall::begin() {
  if (stage_ != Stage::queued) return;
  if (endpoint_.active >= endpoint_.settings.max_concurrent_requests) {
    endpoint_.line.push_back(shared_from_this());
    ++endpoint_.counters.waiting;
    return;
  }
  take_slot();
  start_attempt();
}

void EndpointCall::take_slot() {
  ++endpoint_.active;
  ++endpoint_.active_by_user[user_id_];
  endpoint_.last_start[user_id_] = ++endpoint_.starts;
  holds_slot_ = true;
  ++endpoint_.counters.in_flight;
}

void EndpointCall::abort() {
  asio::post(io_, [self = shared_from_this()] {
    if (self->stage_ == Stage::done) return;
    self->aborted_ = true;
    if (self->stage_ == Stage::queued) {
      auto& line = self->endpoint_.line;
      for (auto it = line.begin(); it != line.end(); ++it)
        if (it->get() == self.get()) {
          line.erase(it);
          --self->endpoint_.counters.waiting;
          break;
        }
      self->finish(model_error(ModelError::Kind::stopped, "the run was stopped"));
      return;
    }
    // Every pending operation ends with an error, whose handler sees aborted_.
    self->resolver_.cancel();
    self->backoff_.cancel();
    self->close_stream();
  });
}

void EndpointCall::start_attempt() {
  stage_ = Stage::connecting;
  first_byte_ = false;
  status_ = 0;
  event_stream_ = false;
  whole_body_.clear();
  buffer_.clear();
  plain_.reset();
  tls_.reset();
  parser_.emplace();
  parser_->body_limit(boost::none);  // a stream is as long as the answer
  assembler_.emplace(on_text_);
  sse_.emplace([this](std::string_view data) { assembler_->add_event(data); });
  const auto& url = endpoint_.settings.url;
  arm_watchdog(std::min(deadline_, Clock::now() + endpoint_.settings.first_byte_timeout));
  resolver_.async_resolve(
      url.host, std::to_string(url.port),
      [self = shared_from_this()](const beast::error_code& ec,
                                  const asio::ip::tcp::resolver::results_type& addresses) {
        if (self->stage_ == Stage::done) return;
        if (ec) return self->on_failure(ec, "resolving the host");
        self->connect(addresses);
      });
}

void EndpointCall::connect(const asio::ip::tcp::resolver::results_type& addresses) {
  if (endpoint_.tls)
    tls_.emplace(io_, *endpoint_.tls);
  else
    plain_.emplace(io_);
  with_stream([&](auto& stream) {
    beast::get_lowest_layer(stream).async_connect(
        addresses,
        [self = shared_from_this()](const beast::error_code& ec, const asio::ip::tcp::endpoint&) {
          if (self->stage_ == Stage::done) return;
          if (ec || self->aborted_) return self->on_failure(ec, "connecting");
          if (!self->tls_) return self->send();
          const auto& host = self->endpoint_.settings.url.host;
          if (!SSL_set_tlsext_host_name(self->tls_->native_handle(), host.c_str()))
            return self->on_failure(beast::error_code(static_cast<int>(::ERR_get_error()),
                                                      asio::error::get_ssl_category()),
                                    "setting the TLS server name");
          self->tls_->set_verify_mode(asio::ssl::verify_peer);
          self->tls_->set_verify_callback(asio::ssl::host_name_verification(host));
          self->tls_->async_handshake(asio::ssl::stream_base::client,
                                      [self](const beast::error_code& ec2) {
                                        if (self->stage_ == Stage::done) return;
                                        if (ec2 || self->aborted_)
                                          return self->on_failure(ec2, "the TLS handshake");
                                        self->send();
                                      });
        });
  });
}

void EndpointCall::send() {
  const auto& s = endpoint_.settings;
  request_ = {};
  request_.method(http::verb::post);
  request_.target(s.url.base_path + "/chat/completions");
  request_.version(11);
  const bool default_port = s.url.port == (s.url.tls ? 443 : 80);
  const bool ipv6 = s.url.host.find(':') != std::string::npos;
  const auto host = ipv6 ? "[" + s.url.host + "]" : s.url.host;
  request_.set(http::field::host, default_port ? host : host + ":" + std::to_string(s.url.port));
  request_.set(http::field::user_agent, "agenthost");
  request_.set(http::field::content_type, "application/json");
  request_.set(http::field::accept, "text/event-stream, application/json");
  if (!s.api_key.empty()) request_.set(http::field::authorization, "Bearer " + s.api_key);
  for (const auto& [name, value] : s.headers) request_.set(name, value);
  request_.body() = body_;
  request_.prepare_payload();
  with_stream([&](auto& stream) {
    http::async_write(stream, request_,
                      [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                        if (self->stage_ == Stage::done) return;
                        if (ec || self->aborted_)
                          return self->on_failure(ec, "sending the request");
                        self->read_header();
                      });
  });
}

void EndpointCall::read_header() {
  with_stream([&](auto& stream) {
    http::async_read_header(stream, buffer_, *parser_,
                            [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                              if (self->stage_ == Stage::done) return;
                              if (ec || self->aborted_)
                                return self->on_failure(ec, "waiting for the answer");
                              self->on_header();
                            });
  });
}

void EndpointCall::on_header() {
  first_byte_ = true;
  stage_ = Stage::reading;
  status_ = parser_->get().result_int();
  const auto type = parser_->get()[http::field::content_type];
  event_stream_ = type.find("text/event-stream") != beast::string_view::npos;
  arm_watchdog(deadline_);
  read_body();
}

void EndpointCall::read_body() {
  if (parser_->is_done()) return body_complete();
  auto& body = parser_->get().body();
  body.data = chunk_.data();
  body.size = chunk_.size();
  with_stream([&](auto& stream) {
    http::async_read_some(stream, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (self->stage_ == Stage::done) return;
                            if (ec == http::error::need_buffer) ec = {};
                            if (ec || self->aborted_)
                              return self->on_failure(ec, "reading the answer");
                            const auto got = self->chunk_.size() - self->parser_->get().body().size;
                            try {
                              self->consume(std::string_view(self->chunk_.data(), got));
                            } catch (...) {
                              return self->finish(std::current_exception());
                            }
                            if (self->stage_ == Stage::done) return;
                            self->read_body();
                          });
  });
}

void EndpointCall::consume(std::string_view bytes) {
  if (status_ < 200 || status_ >= 300) {
    whole_body_.append(
        bytes.substr(0, kMaxErrorBody - std::min(kMaxErrorBody, whole_body_.size())));
    return;
  }
  if (!event_stream_) {
    if (whole_body_.size() + bytes.size() > kMaxWholeBody)
      throw ModelError(ModelError::Kind::bad_response,
                       "model endpoint \"" + endpoint_.name + "\" sent an answer over 16 MiB");
    whole_body_.append(bytes);
    return;
  }
  try {
    sse_->feed(bytes);
  } catch (const ModelError&) {
    throw;
  } catch (const std::exception& e) {
    throw ModelError(ModelError::Kind::bad_response, "model endpoint \"" + endpoint_.name +
                                                         "\" sent a malformed stream: " + e.what());
  }
  if (assembler_->done()) finish(nullptr);  // "[DONE]": nothing more to wait for
}

void EndpointCall::body_complete() {
  if (status_ >= 200 && status_ < 300) {
    if (event_stream_) {
      sse_->feed("\n\n");  // an event the server did not end with a blank line
      if (stage_ == Stage::done) return;
      if (!assembler_->done() && assembler_->finish_reason().empty())
        return finish(model_error(ModelError::Kind::upstream,
                                  "model endpoint \"" + endpoint_.name +
                                      "\" ended its stream before the answer was complete"));
    } else {
      try {
        assembler_->add_body(whole_body_);
      } catch (...) {
        return finish(std::current_exception());
      }
    }
    return finish(nullptr);
  }
  const auto message = "model endpoint \"" + endpoint_.name + "\" answered " + describe_status() +
                       ": " + error_detail(whole_body_);
  if (!retryable_status(status_)) return finish(model_error(ModelError::Kind::upstream, message));
  std::optional<milliseconds> retry_after;
  if (const auto value = parser_->get()[http::field::retry_after]; !value.empty())
    retry_after = parse_retry_after(std::string_view(value.data(), value.size()));
  retry_or_fail(model_error(ModelError::Kind::upstream, message), retry_after);
}

void EndpointCall::on_failure(const beast::error_code& ec, std::string_view during) {
  if (aborted_) return finish(model_error(ModelError::Kind::stopped, "the run was stopped"));
  const auto& s = endpoint_.settings;
  if (timed_out_) {
    const bool no_first_byte = !first_byte_ && Clock::now() < deadline_;
    return finish(model_error(
        ModelError::Kind::timeout,
        no_first_byte ? "model endpoint \"" + endpoint_.name + "\" sent no answer within " +
                            "first_byte_timeout (" + seconds_text(s.first_byte_timeout) + ")"
                      : "model endpoint \"" + endpoint_.name + "\" did not finish within " +
                            "request_timeout (" + seconds_text(s.request_timeout) + ")"));
  }
  auto message = "model endpoint \"" + endpoint_.name + "\" (" + s.base_url + "): " + ec.message() +
                 " while " + std::string(during);
  if (during == "resolving the host" || during == "connecting")
    // Nothing answers at base_url: most often the shipped default (a local server)
    // on a host where none runs. Say what to change, and where.
    message += "; no model server answers there: start one, or set models." + endpoint_.name +
               ".base_url (and api_key) to one" + (s.where.empty() ? "" : " (at " + s.where + ")");
  if (first_byte_)  // the answer had begun: a retry could bill it twice
    return finish(model_error(ModelError::Kind::upstream,
                              message + " (the answer had begun, so it is not retried)"));
  retry_or_fail(model_error(ModelError::Kind::upstream, message), std::nullopt);
}

void EndpointCall::retry_or_fail(std::exception_ptr error,
                                 std::optional<milliseconds> retry_after) {
  const auto& s = endpoint_.settings;
  if (retries_ >= s.max_retries) return finish(error);
  if (retry_after && *retry_after > s.retry_backoff_max) return finish(error);
  const auto delay =
      retry_delay(retries_, s.retry_backoff, s.retry_backoff_max, jitter(), retry_after);
  if (Clock::now() + delay >= deadline_) return finish(error);
  ++retries_;
  ++endpoint_.counters.retries;
  close_stream();
  watchdog_.cancel();
  stage_ = Stage::backoff;
  backoff_.expires_after(delay);
  backoff_.async_wait([self = shared_from_this()](const beast::error_code&) {
    if (self->stage_ == Stage::done) return;
    if (self->aborted_)
      return self->finish(model_error(ModelError::Kind::stopped, "the run was stopped"));
    self->start_attempt();
  });
}

void EndpointCall::finish(std::exception_ptr error) {
  if (stage_ == Stage::done) return;
  stage_ = Stage::done;
  watchdog_.cancel();
  backoff_.cancel();
  resolver_.cancel();
  close_stream();
  release_slot();
  forget_user_if_idle();
  Completion completion;
  if (!error && assembler_) completion = assembler_->take();
  if (error && !aborted_) ++endpoint_.counters.failures;
  auto done = std::move(done_);
  done(std::move(completion), error);
}

void EndpointCall::arm_watchdog(Clock::time_point at) {
  watchdog_.expires_at(at);
  watchdog_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
    if (ec || self->stage_ == Stage::done || self->stage_ == Stage::backoff) return;
    self->timed_out_ = true;
    self->resolver_.cancel();
    self->close_stream();
  });
}

void EndpointCall::close_stream() {
  beast::error_code ignored;
  if (plain_) plain_->socket().close(ignored);
  if (tls_) beast::get_lowest_layer(*tls_).socket().close(ignored);
}

void EndpointCall::release_slot() {
  if (!holds_slot_) return;
  holds_slot_ = false;
  --endpoint_.counters.in_flight;
  --endpoint_.active;
  if (auto it = endpoint_.active_by_user.find(user_id_); it != endpoint_.active_by_user.end())
    if (--it->second == 0) endpoint_.active_by_user.erase(it);
  while (!endpoint_.line.empty() && endpoint_.active < endpoint_.settings.max_concurrent_requests) {
    // The next slot goes to the waiting call whose user has the fewest calls in
    // flight, then whose user was served longest ago, then the earliest: one user's
    // many calls cannot keep another user's one waiting.
    auto chosen = endpoint_.line.begin();
    std::pair<std::uint32_t, std::uint64_t> best{std::numeric_limits<std::uint32_t>::max(), 0};
    for (auto it = endpoint_.line.begin(); it != endpoint_.line.end(); ++it) {
      const auto& user = (*it)->user_id_;
      const auto active = endpoint_.active_by_user.find(user);
      const auto last = endpoint_.last_start.find(user);
      const std::pair<std::uint32_t, std::uint64_t> rank{
          active == endpoint_.active_by_user.end() ? 0 : active->second,
          last == endpoint_.last_start.end() ? 0 : last->second};
      if (rank < best) {
        best = rank;
        chosen = it;
      }
    }
    auto next = std::move(*chosen);
    endpoint_.line.erase(chosen);
    --endpoint_.counters.waiting;
    // The slot is `next`'s from now on: an abort before it starts gives it back.
    next->take_slot();
    asio::post(io_, [next] {
      if (next->stage_ == Stage::queued) next->start_attempt();
    });
  }
}

void EndpointCall::forget_user_if_idle() {
  if (endpoint_.active_by_user.count(user_id_)) return;
  for (const auto& waiting : endpoint_.line)
    if (waiting->user_id_ == user_id_) return;
  endpoint_.last_start.erase(user_id_);
}

std::string EndpointCall::describe_status() const {
  return std::to_string(status_) + " " + std::string(parser_->get().reason());
}

}  // namespace agenthost::models
