// ExecutionEngine::submit: admission, thread ownership, storage, multitask strategy.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <utility>

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

// How long a submission waits for its run's record to be committed before the client
// is told the database did not answer (the write stays queued, and a finish follows
// it so that the record never shows a run that will not run).
constexpr std::chrono::seconds kRecordWriteTimeout{10};

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

void ExecutionEngine::store_run(const database::RunRecord& record, bool client_thread) {
  // Only the host creates threads (here, with the run, in one write, when the client
  // named none; or POST /v1/threads): a client's id is the user's own, or another
  // user's, or nobody's, and the last two are refused alike, so an id tells a client
  // nothing about other users and cannot be claimed before its owner uses it.
  //
  // SQLite takes one writer at a time: the record goes through the event log's writer,
  // committed with other runs' records and events in one transaction (a transaction of
  // its own per run was the largest cost of a short run in the profile). PostgreSQL
  // takes concurrent writers, and on the writer's one connection each record would cost
  // a round trip that every other run waits behind (849 against 1,461 runs/s measured),
  // so there the submitter writes it on its own session, with the same statement.
  if (!store_.single_writer_database()) {
    try {
      runs_store_.insert_run(record, client_thread
                                         ? database::RunStore::ThreadCreation::must_exist
                                         : database::RunStore::ThreadCreation::create_if_missing);
    } catch (const database::OwnershipError&) {
      throw thread_not_found(record.thread_id);
    }
    return;
  }
  auto stored = std::make_shared<std::promise<database::WriteResult>>();
  auto result = stored->get_future();
  const auto ticket =
      store_.write_run(database::RunWrite::insert(record, !client_thread),
                       [stored](database::WriteResult r) { stored->set_value(std::move(r)); });
  if (result.wait_for(kRecordWriteTimeout) == std::future_status::timeout &&
      store_.abandon_write(ticket)) {
    const std::string message = fmt::format("the database did not store run \"{}\" within {} s",
                                            record.run_id, kRecordWriteTimeout.count());
    // Behind the insert in the writer's order: should the insert be written later,
    // the record says at once that the run never started.
    store_.write_run(database::RunWrite::finish(
                         record.run_id, std::string(database::run_status::failed), std::nullopt,
                         boost::json::serialize(boost::json::object{
                             {"error_type", "storage_unavailable"}, {"message", message}}),
                         database::to_epoch_ms(std::chrono::system_clock::now())),
                     [](database::WriteResult) {});
    throw database::DatabaseError(message);
  }
  const auto written = result.get();
  if (written.foreign_thread) throw thread_not_found(record.thread_id);
  if (!written.error.empty()) throw database::DatabaseError(written.error);
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
  const registry::AgentClass* agent_class = registry_.find_agent(request.agent);
  if (!agent_class)
    throw RunRefused(refusal::unknown_agent,
                     fmt::format("no agent named \"{}\" is registered; the agents list names the "
                                 "available ones",
                                 request.agent));
  if (auto why = dispatcher_ ? dispatcher_->unavailable(*agent_class) : std::nullopt)
    throw RunRefused(refusal::agent_unavailable, *why);
  if (auto error = agent_class->input_schema ? agent_class->input_schema->validate(request.input)
                                             : std::nullopt)
    throw RunRefused(refusal::invalid,
                     fmt::format("input does not fit the input_schema of agent \"{}\": {}",
                                 request.agent, error->describe()));
  check_id("user_id", request.user_id);
  const bool client_thread = request.thread_id.has_value();
  const std::string thread_id = client_thread ? *request.thread_id : context::time_ordered_id();
  if (client_thread) check_id("thread_id", thread_id);
  RunLimits current;
  {
    std::lock_guard lock(mutex_);
    current = admit_locked(request, thread_id);
  }
  // From here the reservation is given back on any failure before the run is queued.
  Admission admission{*this, request.user_id, thread_id, current};
  return accept(request, *agent_class, admission, std::move(subscriber),
                [&](const agenthost::ExecutionContext& context) {
                  database::RunRecord record;
                  record.run_id = context.run_id();
                  record.thread_id = thread_id;
                  record.user_id = context.user_id();
                  record.agent_name = context.agent_name();
                  record.status = std::string(database::run_status::queued);
                  record.input = request.input;
                  record.created_at = context.created_at();
                  store_run(record, client_thread);
                });
}

ExecutionEngine::Admission::~Admission() {
  if (!held) return;
  std::lock_guard lock(engine.mutex_);
  engine.cancel_reservation_locked(user_id, thread_id);
}

RunTicket ExecutionEngine::accept(
    RunRequest& request, const registry::AgentClass& agent_class, Admission& admission,
    std::shared_ptr<events::EventSink> subscriber,
    const std::function<void(const agenthost::ExecutionContext&)>& store,
    const ResumePoint& resume) {
  const auto& current = admission.limits;
  auto control = std::make_shared<RunControl>();
  auto waiter = std::make_shared<fiber::FiberWaiter>(request.user_id, blocking_);
  auto user_input = std::make_shared<RunInput>(waiter, static_cast<InputWaits&>(*this));
  std::optional<agenthost::ExecutionContext> context;
  try {
    agenthost::ResourceLimits limits;
    limits.max_concurrent_runs = current.max_concurrent_runs_per_user;
    limits.max_queued_runs = current.max_queued_runs_per_user;
    limits.run_timeout = current.run_timeout;
    limits.input_timeout = current.input_timeout;
    limits.max_waiting_runs = current.max_waiting_runs_per_user;
    context = context::make_run_context({request.user_id, admission.thread_id, request.agent,
                                         std::move(request.metadata), limits, control->token(),
                                         waiter, user_input, resume.run_id});
  } catch (const agenthost::ContextError& e) {
    throw RunRefused(refusal::invalid, e.what());
  }
  store(*context);

  std::promise<RunOutcome> promise;
  RunTicket ticket{context->run_id(), admission.thread_id, context->request_id(),
                   promise.get_future().share()};
  auto run = std::make_shared<RunEntry>(ticket, agent_class, control, std::move(waiter),
                                        std::move(*context), std::move(request.input));
  run->finished = std::move(promise);
  user_input->bind(run->run_id(), resume.checkpoint);
  if (resume.question) user_input->resume_question(*resume.question);
  run->resumed_after_seq = resume.last_seq;
  run->user_input = std::move(user_input);
  if (subscriber) {
    run->subscription = router_.subscribe(run->user_id(), run->run_id(), subscriber);
    run->subscriber = std::move(subscriber);
  }

  EntryList victims;
  EntryList stopped;
  EntryList startable;
  {
    std::lock_guard lock(mutex_);
    admission.held = false;
    runs_.emplace(run->run_id(), run);
    state_.record_submitted(run->user_id());
    victims = enqueue_locked(run, request.strategy, stopped);
    startable = take_startable_locked();
  }
  // Outside the lock: a stop request runs the run's stop callbacks (I/O).
  for (const auto& victim : stopped) victim->control->request_stop(events::DeathCause::interrupted);
  for (const auto& victim : victims) victim->control->request_stop(events::DeathCause::interrupted);
  start(startable);
  spdlog::debug("[{}] run queued: agent={} strategy={}", run->context.correlation_id(),
                request.agent, to_string(request.strategy));
  for (const auto& victim : victims) end_unstarted(victim);
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
  RunLimits current;
  {
    std::lock_guard lock(mutex_);
    current = admit_locked(request, record.thread_id);
  }
  Admission admission{*this, request.user_id, record.thread_id, current};
  resume.run_id = record.run_id;
  return accept(
      request, *agent_class, admission, std::move(subscriber),
      [](const agenthost::ExecutionContext&) {}, resume);
}

}  // namespace agenthost::execution
