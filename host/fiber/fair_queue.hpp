#pragma once
/// \file
/// FairQueue: a queue shared by many users that serves them in turn (round-robin by
/// user, first-in first-out within a user), so a user with a hundred items waiting
/// delays another user's one item by at most one hand-off per waiting user. Used for
/// everything runs wait for in line: pooled database sessions, the blocking pool.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace agenthost::fiber {

/// Not thread-safe: the owner locks around every call. `Removable`: whether items can
/// be taken out by ticket (remove()), which costs a ticket -> user entry per item; a
/// queue whose items are only ever popped (the event log's, one per event) goes
/// without.
template <class T, bool Removable = true>
class FairQueue {
 public:
  using Ticket = std::uint64_t;

  /// Queues `item` at the end of `user`'s line; the ticket identifies it for remove().
  Ticket push(const std::string& user, T item) { return enqueue(user, std::move(item), End::back); }

  /// Puts `item` back at the head of `user`'s line (an item popped and not served, such
  /// as a batch to retry). Push back several in reverse to keep their order. A user
  /// with nothing queued gets the first turn; one with items keeps its turn.
  Ticket push_front(const std::string& user, T item) {
    return enqueue(user, std::move(item), End::front);
  }

  /// The first item of the user whose turn it is; that user goes to the end of the
  /// turns if it has more. nullopt when empty.
  std::optional<T> pop() {
    return pop_if([](const std::string&) { return true; });
  }

  /// Up to `max` items from the head of the line of the user whose turn it is, in
  /// order, appended to `out`; that user goes to the end of the turns if it has more.
  /// Returns how many (0 when empty). For a consumer that serves items in batches and
  /// gains from a user's items being together (the event log: a run's rows are
  /// neighbours in the database's index).
  std::size_t pop_several(std::vector<T>& out, std::size_t max) {
    if (turns_.empty() || max == 0) return 0;
    std::string user = std::move(turns_.front());
    turns_.pop_front();
    auto line = lines_.find(user);
    std::size_t taken = 0;
    while (taken < max && !line->second.empty()) {
      Entry& entry = line->second.front();
      if constexpr (Removable) owners_.erase(entry.ticket);
      out.push_back(std::move(entry.item));
      line->second.pop_front();
      ++taken;
    }
    size_ -= taken;
    if (line->second.empty())
      lines_.erase(line);
    else
      turns_.push_back(std::move(user));
    return taken;
  }

  /// The first item of the first user in turn for whom `eligible(user)` holds; the
  /// users passed over keep their place. nullopt when no queued user is eligible.
  template <class Eligible>
  std::optional<T> pop_if(Eligible eligible) {
    for (auto turn = turns_.begin(); turn != turns_.end(); ++turn) {
      if (!eligible(*turn)) continue;
      std::string user = std::move(*turn);
      turns_.erase(turn);
      auto line = lines_.find(user);
      Entry entry = std::move(line->second.front());
      line->second.pop_front();
      if constexpr (Removable) owners_.erase(entry.ticket);
      --size_;
      if (line->second.empty())
        lines_.erase(line);
      else
        turns_.push_back(std::move(user));
      return std::move(entry.item);
    }
    return std::nullopt;
  }

  /// Takes the item with `ticket` out of the queue; nullopt when it was already popped.
  std::optional<T> remove(Ticket ticket) requires Removable {
    auto owner = owners_.find(ticket);
    if (owner == owners_.end()) return std::nullopt;
    auto line = lines_.find(owner->second);
    auto& entries = line->second;
    std::optional<T> item;
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      if (it->ticket != ticket) continue;
      item.emplace(std::move(it->item));
      entries.erase(it);
      break;
    }
    if (entries.empty()) {
      for (auto t = turns_.begin(); t != turns_.end(); ++t)
        if (*t == owner->second) {
          turns_.erase(t);
          break;
        }
      lines_.erase(line);
    }
    owners_.erase(owner);
    --size_;
    return item;
  }

  void clear() noexcept {
    lines_.clear();
    turns_.clear();
    if constexpr (Removable) owners_.clear();
    size_ = 0;
  }

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  /// Users with at least one item queued.
  std::size_t users() const noexcept { return lines_.size(); }

 private:
  struct Entry {
    Ticket ticket;
    T item;
  };
  enum class End { back, front };

  Ticket enqueue(const std::string& user, T item, End end) {
    const Ticket ticket = next_ticket_++;
    auto& line = lines_.try_emplace(user).first->second;
    if (line.empty()) end == End::back ? turns_.push_back(user) : turns_.push_front(user);
    Entry entry{ticket, std::move(item)};
    end == End::back ? line.push_back(std::move(entry)) : line.push_front(std::move(entry));
    if constexpr (Removable) owners_.emplace(ticket, user);
    ++size_;
    return ticket;
  }

  std::unordered_map<std::string, std::deque<Entry>> lines_;
  std::deque<std::string> turns_;  // users with items, in serving order
  std::unordered_map<Ticket, std::string> owners_;
  Ticket next_ticket_ = 1;
  std::size_t size_ = 0;
};

}  // namespace agenthost::fiber
