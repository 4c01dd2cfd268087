#pragma once
// What the isolation tests share: one journal and sink per user, and the check that
// a journal holds only its own user's events.

#include <map>
#include <memory>
#include <string>

#include "execution_test_support.hpp"

namespace agenthost::isolation_test {

/// The original's time bounds hold as they are in the normal build. Sanitizer builds
/// run every host instruction several times slower (TSan 5-15x) while the agents'
/// sleeps stay the same, so there the bounds get twice the room: those builds are
/// for races and memory errors, the normal build for the timing claim.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
inline constexpr int kTimeBoundFactor = 2;
#else
inline constexpr int kTimeBoundFactor = 1;
#endif

using execution::test::EventJournal;
using execution::test::JournalSink;

/// One journal per user: every event a user's sinks receive lands in that user's journal.
class UserJournals {
 public:
  EventJournal& of(const std::string& user) { return journals_[user]; }
  std::shared_ptr<events::EventSink> sink(const std::string& user) {
    return std::make_shared<JournalSink>(of(user));
  }
  /// Events in `user`'s journal that belong to another user, or to a run not in `own_runs`.
  template <class RunSet>
  std::size_t violations(const std::string& user, const RunSet& own_runs) {
    std::size_t bad = 0;
    for (const auto& e : of(user).all())
      if (e->user_id != user || !own_runs.contains(e->run_id)) ++bad;
    return bad;
  }

 private:
  std::map<std::string, EventJournal> journals_;
};

}  // namespace agenthost::isolation_test
