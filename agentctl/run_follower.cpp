#include "agentctl/run_follower.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <thread>

#include "agentctl/event_format.hpp"
#include "agentctl/host_reply.hpp"
#include "json/parse.hpp"

namespace agenthost::agentctl {

namespace json = boost::json;

namespace {

void default_pause(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(250) * attempt);
}

std::string string_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : "";
}

json::object parse_frame(const std::string& text) {
  auto parsed = agenthost::json::parse(text);
  auto* value = std::get_if<json::value>(&parsed);
  if (!value || !value->is_object())
    throw CommandError(ExitCode::unreachable, "the host sent a frame that is not a JSON object: '" +
                                                  one_line(text, 200) + "'");
  return std::move(value->get_object());
}

}  // namespace

RunFollower::RunFollower(ConnectFunction connect, std::ostream& out, std::ostream& err,
                         FollowSettings settings)
    : connect_(std::move(connect)), out_(out), err_(err), settings_(std::move(settings)) {
  if (!settings_.pause_before_reconnect) settings_.pause_before_reconnect = default_pause;
}

std::string RunFollower::next_request_id(std::string_view kind) {
  return "agentctl-" + std::string(kind) + "-" + std::to_string(++requests_);
}

void RunFollower::interrupted() const {
  std::string message = "interrupted";
  if (!run_id_.empty())
    message += "; run " + run_id_ + " goes on: follow it with 'agentctl events " + run_id_ +
               " --after " + std::to_string(last_seq_) +
               " --follow', stop it with 'agentctl cancel " + run_id_ + "'";
  else
    message += " before the host answered; the run may have started";
  throw CommandError(ExitCode::interrupted, message);
}

ExitCode RunFollower::start(const json::object& start_run, std::string_view agent) {
  auto connection = connect_();
  connection->send(json::serialize(start_run));
  const auto* sent_id = start_run.if_contains("request_id");
  const std::string request_id =
      sent_id && sent_id->is_string() ? std::string(sent_id->get_string()) : "";
  for (;;) {
    auto read = connection->read();
    if (read.kind == FrameRead::Kind::interrupted) interrupted();
    if (read.kind == FrameRead::Kind::closed)
      throw CommandError(ExitCode::unreachable,
                         "lost the connection to agenthost before the run was accepted: " +
                             read.text + "; the run may have started");
    const auto frame = parse_frame(read.text);
    const auto type = string_of(frame, "type");
    if (type == "error") {
      if (settings_.json) out_ << read.text << '\n' << std::flush;
      throw CommandError(ExitCode::failed, describe_error_frame(frame));
    }
    if (type == "run_accepted" && string_of(frame, "request_id") == request_id) {
      run_id_ = string_of(frame, "run_id");
      if (run_id_.empty())
        throw CommandError(ExitCode::unreachable, "the host accepted the run without a run_id: '" +
                                                      one_line(read.text, 200) + "'");
      out_ << (settings_.json ? read.text : format_accepted(frame, agent)) << '\n' << std::flush;
      return stream(std::move(connection));
    }
    // Nothing else is expected before run_accepted (pongs, say); skip it.
  }
}

ExitCode RunFollower::follow(const std::string& run_id, std::uint64_t after) {
  run_id_ = run_id;
  last_seq_ = after;
  auto connection = connect_();
  subscribe(*connection);
  return stream(std::move(connection));
}

void RunFollower::answer(const json::object& question, FrameConnection& connection) {
  auto answer = settings_.answer_question(question);
  if (!answer)
    throw CommandError(ExitCode::waiting,
                       "run " + run_id_ +
                           " waits for its user's answer and there is no more input to read it "
                           "from; answer with 'agentctl answer " +
                           run_id_ + " --input JSON', follow with 'agentctl events " + run_id_ +
                           " --after " + std::to_string(last_seq_) + " --follow'");
  question_ = question;
  answer_request_id_ = next_request_id("answer");
  answer_frame_ = json::serialize(json::object{{"type", "resume_run"},
                                               {"request_id", answer_request_id_},
                                               {"run_id", run_id_},
                                               {"input", std::move(*answer)}});
  connection.send(answer_frame_);
}

void RunFollower::on_answer_refused(const json::object& error, FrameConnection& connection) {
  err_ << "agentctl: the answer was not accepted: " << describe_error_frame(error) << '\n'
       << std::flush;
  // A late resend after a reconnect (409: already answered) needs nothing more.
  if (string_of(error, "code") != "invalid_field" || !question_) return;
  const auto question = *question_;
  answer(question, connection);
}

void RunFollower::subscribe(FrameConnection& connection) {
  connection.send(json::serialize(json::object{{"type", "subscribe"},
                                               {"request_id", next_request_id("subscribe")},
                                               {"run_id", run_id_},
                                               {"after", last_seq_}}));
}

ExitCode RunFollower::stream(std::unique_ptr<FrameConnection> connection) {
  for (;;) {
    auto read = connection->read();
    if (read.kind == FrameRead::Kind::interrupted) interrupted();
    if (read.kind == FrameRead::Kind::closed) {
      connection.reset();  // its signal handling goes too: Ctrl-C while resuming just exits
      connection = resume(read.text);
      continue;
    }
    const auto frame = parse_frame(read.text);
    const auto type = string_of(frame, "type");
    if (type == "error") {
      if (settings_.json) out_ << read.text << '\n' << std::flush;
      if (!answer_request_id_.empty() && string_of(frame, "request_id") == answer_request_id_) {
        on_answer_refused(frame, *connection);
        continue;
      }
      // Errors about our own frames (they all carry a request_id) end the command;
      // others are the host's business but worth showing.
      if (frame.contains("request_id"))
        throw CommandError(ExitCode::failed, describe_error_frame(frame));
      err_ << "agentctl: the host reports: " << describe_error_frame(frame) << '\n' << std::flush;
      continue;
    }
    const auto* seq = frame.if_contains("seq");
    if (seq == nullptr || string_of(frame, "run_id") != run_id_) {
      if (settings_.json && type != "pong") out_ << read.text << '\n' << std::flush;
      continue;
    }
    const auto number = seq->is_int64() && seq->get_int64() > 0
                            ? static_cast<std::uint64_t>(seq->get_int64())
                        : seq->is_uint64() ? seq->get_uint64()
                                           : 0;
    if (number == 0)
      throw CommandError(ExitCode::unreachable, "the host sent an event with an invalid seq: '" +
                                                    one_line(read.text, 200) + "'");
    if (number <= last_seq_) continue;  // already shown before a reconnect
    last_seq_ = number;
    failed_resumes_ = 0;
    out_ << (settings_.json ? read.text : format_event_line(frame)) << '\n';
    if (type == "input_received") question_.reset();
    if (type == "input_required" && settings_.answer_question) {
      out_ << std::flush;
      const auto* payload = frame.if_contains("payload");
      if (payload && payload->is_object()) answer(payload->get_object(), *connection);
    }
    if (is_terminal_event(type)) {
      if (!settings_.json) out_ << format_outcome(frame) << '\n';
      out_ << std::flush;
      connection->close();
      return exit_code_for(type);
    }
    out_ << std::flush;
  }
}

std::unique_ptr<FrameConnection> RunFollower::resume(const std::string& why) {
  std::string reason = why;
  while (failed_resumes_ < settings_.max_reconnects) {
    const int attempt = ++failed_resumes_;
    err_ << "agentctl: connection lost (" << reason << "); resuming run " << run_id_
         << " after seq " << last_seq_ << " (attempt " << attempt << " of "
         << settings_.max_reconnects << ")\n"
         << std::flush;
    settings_.pause_before_reconnect(attempt);
    try {
      auto connection = connect_();
      subscribe(*connection);
      if (question_) connection->send(answer_frame_);  // the host refuses a second one: 409
      return connection;
    } catch (const CommandError& e) {
      if (e.exit_code() != ExitCode::unreachable) throw;  // refused (token expired, ...)
      reason = e.what();
    }
  }
  throw CommandError(ExitCode::unreachable,
                     "lost the connection to agenthost and could not resume run " + run_id_ + " (" +
                         reason + "); resume later with 'agentctl events " + run_id_ + " --after " +
                         std::to_string(last_seq_) + " --follow'");
}

}  // namespace agenthost::agentctl
