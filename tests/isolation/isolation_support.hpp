#pragma once
// What the isolation tests share: one journal and sink per user, and the check that
// a journal holds only its own user's events.

#include <map>
#include <memory>
#include <string>

#include "execution_test_support.hpp"

namespace agenthost::isolation_test {

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
