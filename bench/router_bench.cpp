// Routing one event to its one subscriber while N runs, each of its own user, are
// subscribed (EventRouter::publish), next to calling the same sink directly.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "context/random_id.hpp"
#include "events/event.hpp"
#include "events/event_router.hpp"

namespace agenthost::bench {
namespace {

events::EventPtr event_for(std::string user_id, std::string run_id) {
  auto event = std::make_shared<events::Event>();
  event->type = "agent_thinking";
  event->user_id = std::move(user_id);
  event->run_id = std::move(run_id);
  event->thread_id = "thread-0001";
  event->agent_name = "echo";
  event->seq = 1;
  event->payload = {{"thought", "echoing input"}, {"step", 0}};
  return event;
}

// Baseline: the sink's deliver() called directly through its EventSink interface.
void BM_Sink_DirectDeliver(benchmark::State& state) {
  auto counting = std::make_shared<CountingSink>();
  std::shared_ptr<events::EventSink> sink = counting;
  const auto event = event_for("user-0042", context::random_id());
  for (auto _ : state) {
    benchmark::DoNotOptimize(sink.get());
    sink->deliver(event);
  }
  if (counting->received() != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("events went missing");
}
BENCHMARK(BM_Sink_DirectDeliver);

// N subscriptions, one per (user-i, run id from random_id()), each with its own
// sink; every iteration publishes one event of subscriber N/2's run, which must
// reach exactly that sink. Subscribing is setup, not timed.
void BM_Router_Publish(benchmark::State& state) {
  const auto subscribers = static_cast<std::size_t>(state.range(0));
  events::EventRouter router;
  std::vector<std::shared_ptr<CountingSink>> sinks;
  std::vector<events::EventRouter::Subscription> subscriptions;
  sinks.reserve(subscribers);
  subscriptions.reserve(subscribers);
  std::vector<std::string> runs;
  for (std::size_t i = 0; i < subscribers; ++i) {
    runs.push_back(context::random_id());
    sinks.push_back(std::make_shared<CountingSink>());
    subscriptions.push_back(
        router.subscribe("user-" + std::to_string(i), runs.back(), sinks.back()));
  }
  const std::size_t target = subscribers / 2;
  const auto event = event_for("user-" + std::to_string(target), runs[target]);
  for (auto _ : state) router.publish(event);

  std::uint64_t received = 0;
  for (const auto& sink : sinks) received += sink->received();
  if (sinks[target]->received() != static_cast<std::uint64_t>(state.iterations()) ||
      received != sinks[target]->received())
    state.SkipWithError("the event did not reach exactly its own subscriber");
  state.counters["subscribers"] = static_cast<double>(subscribers);
}
BENCHMARK(BM_Router_Publish)
    ->ArgName("subscribers")
    ->Arg(10)
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000);

}  // namespace
}  // namespace agenthost::bench
