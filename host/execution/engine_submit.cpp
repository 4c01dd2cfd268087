// ExecutionEngine::submit and resume: admission, thread ownership, storage (on SQLite
// completed by the record's commit), multitask strategy.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <utility>
#include <variant>

#include "agenthost/id_rules.hpp"
#include "context/context_factory.hpp"
#include "context/random_id.hpp"
#include "database/database_error.hpp"
#include "database/time_columns.hpp"
#include "execution/execution_engine.hpp"

namespace agenthost::execution {
namespace {

RunRefused thread_not_found(const std::string& thread_id) {
  // The same words whether the thread is absent or another user's.
  return RunRefused(refusal::not_found,
                    fmt::format("thread \"{}\" not found: use a thread id returned by POST "
                                "/v1/threads or an earlier run, or leave thread_id out to start "
                                "a new thread",
                                thread_id));
}

void check_id(std::string_view field, const std::string& value) {
  if (auto problem = agenthost::id_problem(value); !problem.empty())
    throw RunRefused(refusal::invalid, fmt::format("{} {}", field, problem));
}

}  // namespace

RunLimits ExecutionEngine::admit_locked(const RunRequest& request, const std::string& thread_id) {
  if (!accepting_)
    throw RunRefused(refusal::shutting_down,
                     "the host is shutting down and accepts no new runs; retry later");
  if (auto u = users_.find(request.user_id); u != users_.end() && u->second.queue_full())
    throw RunRefused(
        refusal::limit,
        fmt::format("user has {} runs running and {} waiting to start, the "
                    "limit (max_concurrent_runs_per_user {} and "
                    "max_queued_runs_per_user {}); retry when some have ended",
                    u->second.active(), u->second.queued(), limits_.max_concurrent_runs_per_user,
                    limits_.max_queued_runs_per_user));
  if (auto t = threads_.find(thread_id); t != threads_.end()) {
    if (t->second.user_id != request.user_id) throw thread_not_found(thread_id);
    if (t->second.busy() && request.strategy == MultitaskStrategy::reject)
      throw RunRefused(refusal::thread_busy,
                       fmt::format("thread \"{}\" is running another run and the multitask "
                                   "strategy is reject; retry when it has ended, or submit with "
                                   "enqueue or interrupt",
                                   thread_id));
  }
  // The reservation: counted in the user's queue and holding the thread's turn
  // until the run is queued (enqueue_locked) or its record failed.
  user_locked(request.user_id).add_queued();
  auto [slot, created] = threads_.try_emplace(thread_id);
  if (created) slot->second.user_id = request.user_id;
  ++slot->second.reserved;
  ++submits_in_flight_;
  return limits_;
}

void ExecutionEngine::cancel_reservation_locked(const std::string& user_id,
                                                const std::string& thread_id) {
  users_.at(user_id).remove_queued();
  --threads_.at(thread_id).reserved;
  --submits_in_flight_;
  drop_if_idle_locked(user_id, thread_id);
  run_gone_.notify_all();
}

/// A run between its admission and its queueing. It holds the reservation
/// admit_locked made (given back when the submission goes without being queued) and
/// what the run is built from. On SQLite it lives on in the record write's completion
/// and its deadline, one of which goes on (EventLog::abandon_write decides which).
struct ExecutionEngine::Submission {
  Submission(ExecutionEngine& e, RunRequest r, const registry::AgentClass& c, std::string thread,
             std::shared_ptr<events::EventSink> s, ResumePoint point)
      : engine(e),
        request(std::move(r)),
        agent_class(c),
        thread_id(std::move(thread)),
        subscriber(std::move(s)),
        resume(std::move(point)) {}
  ~Submission() { release(); }
  Submission(const Submission&) = delete;
  Submission& operator=(const Submission&) = delete;

  /// Gives the reservation back (the run was refused or not stored).
  void release() {
    if (!held) return;
    held = false;
    std::lock_guard lock(engine.mutex_);
    engine.cancel_reservation_locked(request.user_id, thread_id);
  }

  database::RunRecord record() const {
    database::RunRecord r;
    r.run_id = context->run_id();
    r.thread_id = thread_id;
    r.user_id = context->user_id();
    r.agent_name = context->agent_name();
    r.status = std::string(database::run_status::queued);
    r.input = request.input;
    r.created_at = context->created_at();
    return r;
  }

  ExecutionEngine& engine;
  RunRequest request;
  const registry::AgentClass& agent_class;
  const std::string thread_id;
  std::shared_ptr<events::EventSink> subscriber;
  const ResumePoint resume;
  /// The reservation is still to be given back or used. One thread at a time owns
  /// the submission: its submitter, then the record write's completion or deadline.
  bool held = true;

  std::shared_ptr<RunControl> control;
  std::shared_ptr<fiber::FiberWaiter> waiter;
  std::shared_ptr<RunInput> user_input;
  std::optional<agenthost::ExecutionContext> context;

  // The record write through the event log's writer (SQLite).
  SubmitDone done;
  std::uint64_t deadline = 0;  ///< RunTimer id, set before the write
  /// EventLog ticket, set once write_run returns: long before the deadline, unless
  /// queueing a write took the whole timeout (then the deadline gives nothing up).
  std::atomic<std::uint64_t> write_ticket = 0;
};

std::shared_ptr<ExecutionEngine::Submission> ExecutionEngine::admit(
    RunRequest request, const registry::AgentClass& agent_class, std::string thread_id,
    std::shared_ptr<events::EventSink> subscriber, ResumePoint resume) {
  RunLimits current;
  {
    std::lock_guard lock(mutex_);
    current = admit_locked(request, thread_id);
  }
  // From here the reservation is given back on any failure before the run is queued.
  auto s =
      std::make_shared<Submission>(*this, std::move(request), agent_class, std::move(thread_id),
                                   std::move(subscriber), std::move(resume));
  s->control = std::make_shared<RunControl>();
  s->waiter = std::make_shared<fiber::FiberWaiter>(s->request.user_id, blocking_);
  s->user_input = std::make_shared<RunInput>(s->waiter, static_cast<InputWaits&>(*this));
  try {
    agenthost::ResourceLimits limits;
    limits.max_concurrent_runs = current.max_concurrent_runs_per_user;
    limits.max_queued_runs = current.max_queued_runs_per_user;
    limits.run_timeout = current.run_timeout;
    limits.input_timeout = current.input_timeout;
    limits.max_waiting_runs = current.max_waiting_runs_per_user;
    s->context = context::make_run_context(
        {s->request.user_id, s->thread_id, s->request.agent, std::move(s->request.metadata), limits,
         s->control->token(), s->waiter, s->user_input, s->resume.run_id});
  } catch (const agenthost::ContextError& e) {
    throw RunRefused(refusal::invalid, e.what());
  }
  return s;
}

void ExecutionEngine::store_through_writer(const std::shared_ptr<Submission>& submission,
                                           bool client_thread) {
  // SQLite takes one writer at a time: the record goes through the event log's writer,
  // committed with other runs' records and events in one transaction (a transaction of
  // its own per run was the largest cost of a short run in the profile), and its
  // commit queues the run: no thread waits for it.
  const std::weak_ptr<Submission> weak = submission;
  submission->deadline =
      timer_.schedule(RunTimer::Clock::now() + options_.record_write_timeout, [this, weak] {
        if (auto s = weak.lock()) give_up_record(*s);
      });
  try {
    submission->write_ticket = store_.write_run(
        database::RunWrite::insert(submission->record(), !client_thread),
        [this, submission](database::WriteResult r) { record_written(*submission, std::move(r)); });
  } catch (...) {  // the event log is stopping
    timer_.cancel(submission->deadline);
    submission->release();
    submission->done(std::current_exception());
  }
}

void ExecutionEngine::record_written(Submission& s, database::WriteResult written) {
  // On the writer's thread.
  timer_.cancel(s.deadline);
  SubmitResult result;
  try {
    if (written.foreign_thread) throw thread_not_found(s.thread_id);
    if (!written.error.empty()) throw database::DatabaseError(written.error);
    result = queue(s, false);
  } catch (...) {
    s.release();
    result = std::current_exception();
  }
  s.done(std::move(result));
}

void ExecutionEngine::give_up_record(Submission& s) {
  // On the timer's thread: the writer has not committed the record in time.
  if (!store_.abandon_write(s.write_ticket)) return;  // it is being completed
  const std::string message =
      fmt::format("the database did not store run \"{}\" within {} ms", s.context->run_id(),
                  options_.record_write_timeout.count());
  spdlog::error("[{}] {}", s.context->correlation_id(), message);
  // Behind the insert in the writer's order: should the insert be written later, the
  // record says at once that the run never started.
  try {
    store_.write_run(
        database::RunWrite::finish(
            s.context->run_id(), std::string(database::run_status::failed), std::nullopt,
            boost::json::serialize(
                boost::json::object{{"error_type", "storage_unavailable"}, {"message", message}}),
            database::to_epoch_ms(std::chrono::system_clock::now())),
        [](database::WriteResult) {});
  } catch (const std::exception&) {
    // The event log is stopping: the insert will not be written either.
  }
  s.release();
  // Thrown in place, not copied from a temporary (make_exception_ptr): a copy shares
  // the message's buffer with the temporary, whose destruction here would race (in
  // TSan's eyes: libstdc++'s reference count is not instrumented) with the client
  // reading the message on another thread.
  std::exception_ptr error;
  try {
    throw database::DatabaseError(message);
  } catch (...) {
    error = std::current_exception();
  }
  s.done(std::move(error));
}

ExecutionEngine::EntryList ExecutionEngine::enqueue_locked(const std::shared_ptr<RunEntry>& run,
                                                           MultitaskStrategy strategy,
                                                           EntryList& stopped) {
  auto& slot = threads_.at(run->thread_id());  // reserved by admit_locked
  --slot.reserved;
  --submits_in_flight_;
  run_gone_.notify_all();  // shutdown() waits for submits in flight

  EntryList victims;
  if (strategy == MultitaskStrategy::interrupt) {
    const auto waiting = slot.waiting;  // detach edits slot.waiting
    for (const auto& w : waiting) {
      detach_unstarted_locked(w);
      victims.push_back(w);
    }
    if (auto current = slot.current) {
      if (current->phase == RunEntry::Phase::ready) {
        detach_unstarted_locked(current);
        victims.push_back(current);
      } else {
        // A running current run keeps the thread until its run() returns.
        stopped.push_back(current);
      }
    }
  }
  if (!slot.current) {
    slot.current = run;
    make_ready_locked(run);
  } else {
    run->phase = RunEntry::Phase::waiting_for_thread;
    slot.waiting.push_back(run);
  }
  return victims;
}

RunTicket ExecutionEngine::submit(RunRequest request,
                                  std::shared_ptr<events::EventSink> subscriber) {
  auto answer = std::make_shared<std::promise<SubmitResult>>();
  auto result = answer->get_future();
  submit_async(std::move(request), std::move(subscriber),
               [answer](SubmitResult r) { answer->set_value(std::move(r)); });
  auto outcome = result.get();
  if (auto* error = std::get_if<std::exception_ptr>(&outcome)) std::rethrow_exception(*error);
  return std::get<RunTicket>(std::move(outcome));
}

void ExecutionEngine::submit_async(RunRequest request,
                                   std::shared_ptr<events::EventSink> subscriber, SubmitDone done) {
  std::shared_ptr<Submission> submission;
  bool client_thread = false;
  try {
    const registry::AgentClass* agent_class = registry_.find_agent(request.agent);
    if (!agent_class)
      throw RunRefused(refusal::unknown_agent,
                       fmt::format("no agent named \"{}\" is registered; the agents list names "
                                   "the available ones",
                                   request.agent));
    if (auto why = dispatcher_ ? dispatcher_->unavailable(*agent_class) : std::nullopt)
      throw RunRefused(refusal::agent_unavailable, *why);
    if (auto error = agent_class->input_schema ? agent_class->input_schema->validate(request.input)
                                               : std::nullopt)
      throw RunRefused(refusal::invalid,
                       fmt::format("input does not fit the input_schema of agent \"{}\": {}",
                                   request.agent, error->describe()));
    check_id("user_id", request.user_id);
    client_thread = request.thread_id.has_value();
    std::string thread_id = client_thread ? *request.thread_id : context::time_ordered_id();
    if (client_thread) check_id("thread_id", thread_id);
    submission =
        admit(std::move(request), *agent_class, std::move(thread_id), std::move(subscriber));
  } catch (...) {
    return done(std::current_exception());
  }
  // Only the host creates threads (here, with the run, in one write, when the client
  // named none; or POST /v1/threads): a client's id is the user's own, or another
  // user's, or nobody's, and the last two are refused alike, so an id tells a client
  // nothing about other users and cannot be claimed before its owner uses it.
  if (submits_without_blocking()) {
    submission->done = std::move(done);
    return store_through_writer(submission, client_thread);
  }
  // PostgreSQL takes concurrent writers, and on the writer's one connection each
  // record would cost a round trip that every other run waits behind (849 against
  // 1,461 runs/s measured), so there the submitter writes it on its own session.
  SubmitResult result;
  try {
    try {
      runs_store_.insert_run(submission->record(),
                             client_thread ? database::RunStore::ThreadCreation::must_exist
                                           : database::RunStore::ThreadCreation::create_if_missing);
    } catch (const database::OwnershipError&) {
      throw thread_not_found(submission->thread_id);
    }
    result = queue(*submission, true);
  } catch (...) {
    submission->release();
    result = std::current_exception();
  }
  done(std::move(result));
}

RunTicket ExecutionEngine::queue(Submission& s, bool may_block) {
  std::promise<RunOutcome> promise;
  RunTicket ticket{s.context->run_id(), s.thread_id, s.context->request_id(),
                   promise.get_future().share()};
  auto run = std::make_shared<RunEntry>(ticket, s.agent_class, s.control, std::move(s.waiter),
                                        std::move(*s.context), std::move(s.request.input));
  run->finished = std::move(promise);
  s.user_input->bind(run->run_id(), s.resume.checkpoint);
  if (s.resume.question) s.user_input->resume_question(*s.resume.question);
  run->resumed_after_seq = s.resume.last_seq;
  run->user_input = std::move(s.user_input);
  if (s.subscriber) {
    run->subscription = router_.subscribe(run->user_id(), run->run_id(), s.subscriber);
    run->subscriber = std::move(s.subscriber);
  }

  EntryList victims;
  EntryList stopped;
  EntryList startable;
  {
    std::lock_guard lock(mutex_);
    s.held = false;
    runs_.emplace(run->run_id(), run);
    state_.record_submitted(run->user_id());
    victims = enqueue_locked(run, s.request.strategy, stopped);
    startable = take_startable_locked();
  }
  start(startable);
  spdlog::debug("[{}] run queued: agent={} strategy={}", run->context.correlation_id(),
                run->context.agent_name(), to_string(s.request.strategy));
  if (stopped.empty() && victims.empty()) return ticket;
  // Outside the lock: a stop request runs the run's stop callbacks (I/O), and a
  // detached run's end waits for its status. Not on the event log's writer.
  auto stop = [this, stopped = std::move(stopped), victims = std::move(victims)] {
    for (const auto& v : stopped) v->control->request_stop(events::DeathCause::interrupted);
    for (const auto& v : victims) v->control->request_stop(events::DeathCause::interrupted);
    for (const auto& v : victims) end_unstarted(v);
  };
  if (may_block)
    stop();
  else
    blocking_.submit(run->user_id(), std::move(stop));
  return ticket;
}

}  // namespace agenthost::execution

namespace agenthost::execution {

RunTicket ExecutionEngine::resume(const database::RunRecord& record, ResumePoint resume,
                                  std::shared_ptr<events::EventSink> subscriber) {
  const registry::AgentClass* agent_class = registry_.find_agent(record.agent_name);
  if (!agent_class || !agent_class->info.resumable)
    throw RunRefused(refusal::unknown_agent,
                     fmt::format("run \"{}\" cannot be resumed: no resumable agent named \"{}\" "
                                 "is registered",
                                 record.run_id, record.agent_name));
  RunRequest request{record.user_id, record.thread_id,           record.agent_name,
                     record.input,   MultitaskStrategy::enqueue, {}};
  resume.run_id = record.run_id;
  // The record exists already: nothing to store.
  auto submission = admit(std::move(request), *agent_class, record.thread_id, std::move(subscriber),
                          std::move(resume));
  return queue(*submission, true);
}

}  // namespace agenthost::execution
