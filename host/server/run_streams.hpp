#pragma once
/// \file
/// RunStreams: which runs one connection streams, and for each the last seq sent,
/// so that a subscribe replays stored events and then continues live with nothing
/// missing and nothing repeated. Pure state, no I/O: the WebSocket session drives it
/// on its strand (one thread at a time; not thread-safe itself).
///
/// How a subscribe{run_id, after} joins a run without a gap:
///  1. begin_replay(run_id, after): the stream starts in replay; live events of
///     the run that arrive from now on are buffered (up to the buffer limit).
///  2. The session subscribes to the run's live events, flushes the event store
///     and reads a page of stored events with seq > cursor(run_id).
///  3. on_page(): events above the cursor are sent. When the page was full, or
///     the buffer overflowed (then it is emptied), the session reads again from
///     the new cursor. Otherwise the store held everything up to the flush, the
///     buffer everything after the subscription: the buffered events above the
///     cursor are sent and the stream goes live.
/// Every event reaching on_live was appended to the store before it was delivered,
/// so whatever the buffer drops, a later read finds. Live events at or below the
/// cursor are duplicates and dropped.

#include <boost/container/deque.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "events/event.hpp"

namespace agenthost::server {

class RunStreams {
 public:
  /// `buffer_limit`: live events kept per run while it replays. `max_streams`: runs
  /// streamed at once by one connection.
  RunStreams(std::size_t buffer_limit, std::size_t max_streams);

  /// Starts (or restarts, for a run already streamed) a replay from `after`. Returns
  /// the replay's generation, which its pages must carry (a page of an earlier
  /// replay of the same run is ignored); nullopt, changing nothing, when the
  /// connection already streams max_streams runs.
  std::optional<std::uint64_t> begin_replay(const std::string& run_id, std::uint64_t after);

  /// Replays `run_id` from `after` whatever the cap: for a run already streamed (or
  /// started by the connection) whose live events could not be kept (a full send
  /// queue or inbox). Returns the replay's generation.
  std::uint64_t replay_from(const std::string& run_id, std::uint64_t after);

  /// Live events of a replaying run were dropped before reaching on_live: its
  /// buffer can no longer be trusted, so the replay reads the log again before it
  /// goes live. False (nothing done) when the run is not replaying.
  bool mark_gap(const std::string& run_id);

  /// A live event (from the router or the engine). Returns the events to send now,
  /// in order (none while the run replays, or for a duplicate). An event of a run
  /// not streamed yet starts a live stream (a run this connection started, whose
  /// first events can arrive before its run_accepted is processed); an event of a
  /// run that already ended on this connection is dropped.
  std::vector<events::EventPtr> on_live(const events::EventPtr& event);

  struct PageOutcome {
    std::vector<events::EventPtr> to_send;
    bool read_more = false;  ///< read the next page after cursor()
  };
  /// A page of stored events (seq order) read after cursor(run_id); `page_full`
  /// when the read returned as many as asked for.
  /// Ignored (nothing to send, no read) when `generation` is not the run's current
  /// replay.
  PageOutcome on_page(const std::string& run_id, std::uint64_t generation,
                      const std::vector<events::EventPtr>& page, bool page_full);

  /// The last seq sent for `run_id` (the replay's read position); 0 when unknown.
  std::uint64_t cursor(const std::string& run_id) const;
  bool replaying(const std::string& run_id) const;
  /// True while `generation` is the run's current replay.
  bool current_replay(const std::string& run_id, std::uint64_t generation) const;
  bool streaming(const std::string& run_id) const;
  /// True when the run's terminal event was sent (and no replay started since).
  bool ended(const std::string& run_id) const;

  /// Stops streaming `run_id` (its terminal event was sent, or the replay failed).
  void forget(const std::string& run_id);

  /// Runs streamed now.
  std::size_t size() const noexcept { return streams_.size(); }

 private:
  struct Stream {
    bool replaying = false;
    std::uint64_t last_sent = 0;
    std::vector<events::EventPtr> buffer;
    bool buffer_overflowed = false;
    std::uint64_t generation = 0;
  };

  // Sends `event` if it is new for the stream; ends the stream after a terminal event.
  void send_if_new(const std::string& run_id, Stream& stream, const events::EventPtr& event,
                   std::vector<events::EventPtr>& out, bool& ended);
  void end(const std::string& run_id);

  const std::size_t buffer_limit_;
  const std::size_t max_streams_;
  std::unordered_map<std::string, Stream> streams_;
  std::uint64_t generations_ = 0;
  // Runs whose terminal event was sent, most recent last, bounded: duplicates of their
  // events (a run delivered through two subscriptions) must not restart a stream.
  // Not std::deque: that allocates 576 bytes at construction, per idle connection.
  boost::container::deque<std::string> ended_order_;
  std::unordered_set<std::string> ended_;
};

}  // namespace agenthost::server
