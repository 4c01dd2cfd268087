// UserEventEmitter::emit end to end (type check, sanitising, stamping, append to an
// in-memory store, publish through the router to the run's one subscriber), next
// to the least the same delivery costs: the payload copied into a new shared Event
// appended to the same store and handed to the same sink directly.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "bench_support.hpp"
#include "events/event.hpp"
#include "events/user_event_emitter.hpp"

namespace agenthost::bench {
namespace {

boost::json::object thinking_payload() {
  return {{"thought", "echoing input"}, {"step", 0}};  // what events().thinking() sends
}

// Baseline: a hand-built Event (payload copied in, ids copied, timestamp taken)
// appended to the store and delivered to the sink, no checks, no router.
void BM_Event_HandBuiltDelivery(benchmark::State& state) {
  InMemoryEventStore store;
  auto counting = std::make_shared<CountingSink>();
  std::shared_ptr<events::EventSink> sink = counting;
  const auto context = fixed_context("user-0042", "run-0001");
  const auto payload = thinking_payload();
  std::uint64_t seq = 0;
  for (auto _ : state) {
    auto event = std::make_shared<events::Event>();
    event->type = "agent_thinking";
    event->user_id = context.user_id();
    event->run_id = context.run_id();
    event->thread_id = context.thread_id();
    event->agent_name = context.agent_name();
    event->seq = ++seq;
    event->timestamp = std::chrono::system_clock::now();
    event->payload = payload;
    const events::EventPtr shared = std::move(event);
    store.append(shared);
    sink->deliver(shared);
  }
  if (counting->received() != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("events went missing");
}
BENCHMARK(BM_Event_HandBuiltDelivery);

// emit("agent_thinking", payload) on a run's emitter, its one subscriber on the
// router (no other subscriptions). The payload copy handed to emit is included.
void BM_Emitter_Emit(benchmark::State& state) {
  InMemoryEventStore store;
  events::EventRouter router;
  auto sink = std::make_shared<CountingSink>();
  const auto context = fixed_context("user-0042", "run-0001");
  const auto subscription = router.subscribe(context.user_id(), context.run_id(), sink);
  events::UserEventEmitter emitter(context, store, router);
  const auto payload = thinking_payload();
  for (auto _ : state) emitter.emit("agent_thinking", payload);
  if (sink->received() != static_cast<std::uint64_t>(state.iterations()) ||
      store.appended() != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("events went missing");
}
BENCHMARK(BM_Emitter_Emit);

}  // namespace
}  // namespace agenthost::bench
