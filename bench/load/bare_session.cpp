#include "bare_session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <deque>
#include <iterator>
#include <memory>
#include <string>

#include "bare_run_frames.hpp"
#include "noop_run_shape.hpp"

namespace agenthost::bench::load {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

class BareSession : public std::enable_shared_from_this<BareSession> {
 public:
  BareSession(tcp::socket socket, std::uint32_t id_prefix, std::uint64_t drop_event_every)
      : ws_(std::move(socket)), frames_(id_prefix), drop_event_every_(drop_event_every) {}

  void start() {
    beast::error_code ec;
    // Like the host's listener: small frames go out at once.
    ws_.next_layer().set_option(tcp::no_delay(true), ec);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept([self = shared_from_this()](beast::error_code e) {
      if (!e) self->read();
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->on_frame();
    });
  }

  // The host parses and checks each frame too; this only takes what it must echo.
  void on_frame() {
    const auto data = buffer_.cdata();
    boost::system::error_code ec;
    const auto frame = boost::json::parse(
        std::string_view(static_cast<const char*>(data.data()), data.size()), ec);
    buffer_.consume(buffer_.size());
    const auto* object = frame.if_object();
    const auto* request_id = object ? object->if_contains("request_id") : nullptr;
    const auto* input = object ? object->if_contains("input") : nullptr;
    const auto* events =
        input && input->is_object() ? input->get_object().if_contains("events") : nullptr;
    const auto* wait_ms =
        input && input->is_object() ? input->get_object().if_contains("wait_ms") : nullptr;
    const int agent_events =
        events && events->is_int64() ? static_cast<int>(events->get_int64()) : kDefaultAgentEvents;
    const std::string_view id =
        request_id && request_id->is_string() ? std::string_view(request_id->get_string()) : "";
    auto answer = frames_.answer(id, agent_events);
    if (drop_event_every_ > 0 && ++runs_ % drop_event_every_ == 0 && answer.size() > 3)
      answer.erase(answer.begin() + 2);  // a seq gap: the run's second event never comes
    read();
    if (!wait_ms || !wait_ms->is_int64() || wait_ms->get_int64() <= 0)
      return send(std::move(answer));
    // As the agent waits after agent_started: run_accepted and agent_started now, the rest
    // when a timer (the cheapest wait there is) fires.
    std::vector<std::string> later(std::make_move_iterator(answer.begin() + 2),
                                   std::make_move_iterator(answer.end()));
    answer.resize(2);
    send(std::move(answer));
    auto timer = std::make_shared<net::steady_timer>(
        ws_.get_executor(), std::chrono::milliseconds(wait_ms->get_int64()));
    timer->async_wait([self = shared_from_this(), timer,
                       later = std::move(later)](beast::error_code timer_ec) mutable {
      if (!timer_ec) self->send(std::move(later));
    });
  }

  void send(std::vector<std::string> frames) {
    for (auto& f : frames) queue_.push_back(std::move(f));
    if (!writing_ && !queue_.empty()) write();
  }

  // One write in flight, like the host's bounded send queue.
  void write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return;
                      self->queue_.pop_front();
                      if (self->queue_.empty()) {
                        self->writing_ = false;
                      } else {
                        self->write();
                      }
                    });
  }

  websocket::stream<tcp::socket> ws_;
  BareRunFrames frames_;
  std::uint64_t drop_event_every_;
  std::uint64_t runs_ = 0;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
};

}  // namespace

void start_bare_session(tcp::socket socket, std::uint32_t id_prefix,
                        std::uint64_t drop_event_every) {
  std::make_shared<BareSession>(std::move(socket), id_prefix, drop_event_every)->start();
}

}  // namespace agenthost::bench::load
