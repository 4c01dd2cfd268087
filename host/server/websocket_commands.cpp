// WebSocketSession, part 2: the client frames that need the engine or the
// database (start_run, cancel_run, subscribe), answered on the request threads (a
// start_run on SQLite: by the commit of the run's record).

#include "server/websocket_session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "database/run_record.hpp"
#include "server/server_frames.hpp"

namespace agenthost::server {

namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

void WebSocketSession::start_run(StartRunFrame frame) {
  auto gate = std::make_shared<RunStartGate>(inbox_, state_.options.send_queue_frames);
  auto answer = [self = shared_from_this(), request_id = std::move(frame.request_id),
                 gate](RunService::StartResult result) {
    if (auto* error = std::get_if<ApiError>(&result)) {
      self->send(error_frame(error->code, error->message, request_id));
      return self->do_read();
    }
    const auto& ticket = std::get<execution::RunTicket>(result);
    if (self->released_) {
      // The client left while its run was being accepted.
      if (self->state_.options.on_disconnect == OnDisconnect::cancel_runs)
        net::post(self->state_.request_pool,
                  [&service = self->state_.service, user = self->user_id_, run_id = ticket.run_id] {
                    service.cancel_run(user, run_id);
                  });
      return;
    }
    self->started_runs_.insert(ticket.run_id);
    // run_accepted first, then the run's events (held back by the gate until now).
    self->send(run_accepted_frame(request_id, ticket.run_id, ticket.thread_id));
    gate->open();
    self->do_read();
  };
  auto& service = state_.service;
  if (!service.starts_without_blocking(frame.run.agent)) {
    return offload([&service, user = user_id_, run = std::move(frame.run),
                    gate]() mutable { return service.start_run(user, std::move(run), gate); },
                   std::move(answer));
  }
  // No request thread in between: the answer comes from the commit of the run's
  // record (on the event log's writer), handed to this connection's strand.
  service.start_run_async(user_id_, std::move(frame.run), gate, on_strand(std::move(answer)));
}

void WebSocketSession::cancel_run(CancelRunFrame frame) {
  offload(
      [&service = state_.service, user = user_id_, run_id = frame.run_id] {
        return service.cancel_run(user, run_id);
      },
      [self = shared_from_this(), request_id = frame.request_id](std::optional<ApiError> error) {
        if (error) self->send(error_frame(error->code, error->message, request_id));
        self->do_read();
      });
}

void WebSocketSession::resume_run(ResumeRunFrame frame) {
  offload(
      [&service = state_.service, user = user_id_, run_id = frame.run_id,
       input = std::move(frame.input)]() mutable {
        return service.answer_run(user, run_id, std::move(input));
      },
      [self = shared_from_this(), request_id = frame.request_id](std::optional<ApiError> error) {
        if (error) self->send(error_frame(error->code, error->message, request_id));
        self->do_read();
      });
}

void WebSocketSession::subscribe(SubscribeFrame frame) {
  if (!streams_.streaming(frame.run_id) &&
      streams_.size() >= state_.options.max_subscriptions_per_connection) {
    send(error_frame(error_code::too_many_subscriptions,
                     "this connection already streams " + std::to_string(streams_.size()) +
                         " runs; open another connection",
                     frame.request_id));
    return do_read();
  }
  auto run_id = frame.run_id;  // copied first: the two lambdas are built in either order
  offload([&service = state_.service, user = user_id_,
           run_id = std::move(run_id)] { return service.find_run(user, run_id); },
          [self = shared_from_this(), frame = std::move(frame)](auto result) mutable {
            if (auto* error = std::get_if<ApiError>(&result)) {
              self->send(error_frame(error->code, error->message, frame.request_id));
              return self->do_read();
            }
            if (self->closing_) return;
            const auto& run = std::get<database::RunRecord>(result);
            const auto generation = self->streams_.begin_replay(frame.run_id, frame.after);
            if (!generation) {
              self->send(error_frame(error_code::too_many_subscriptions,
                                     "this connection streams too many runs; open another one",
                                     frame.request_id));
              return self->do_read();
            }
            // Live first, then the log (RunStreams): a finished run needs only the log,
            // whose last event is the terminal one.
            if (!database::is_terminal_run_status(run.status) &&
                self->subscriptions_.count(frame.run_id) == 0)
              self->subscriptions_.emplace(
                  frame.run_id,
                  self->state_.deps.router.subscribe(self->user_id_, frame.run_id, self->inbox_));
            self->request_page(frame.run_id, *generation);
            self->do_read();
          });
}

}  // namespace agenthost::server
