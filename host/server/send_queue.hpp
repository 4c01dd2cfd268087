#pragma once
/// \file
/// SendQueue: the frames waiting to be written to one WebSocket, counted in frames
/// and in bytes, with the bounds WebSocketSession paces its streams by
/// (send_queue_frames, send_queue_bytes). The front frame is the one being
/// written. Not thread-safe: used on the connection's strand only.

#include <boost/container/deque.hpp>

#include <cstddef>
#include <string>

namespace agenthost::server {

class SendQueue {
 public:
  SendQueue(std::size_t max_frames, std::size_t max_bytes)
      : max_frames_(max_frames), max_bytes_(max_bytes) {}

  void push(std::string frame) {
    bytes_ += frame.size();
    frames_.push_back(std::move(frame));
  }
  const std::string& front() const { return frames_.front(); }
  void pop_front() {
    bytes_ -= frames_.front().size();
    frames_.pop_front();
  }
  /// Drops every frame but the front one when `keep_front` (it is being written and
  /// must stay alive until the write completes).
  void drop_waiting(bool keep_front) {
    if (keep_front && !frames_.empty()) {
      frames_.erase(std::next(frames_.begin()), frames_.end());
      bytes_ = frames_.front().size();
    } else {
      frames_.clear();
      bytes_ = 0;
    }
  }

  bool empty() const noexcept { return frames_.empty(); }
  std::size_t size() const noexcept { return frames_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

  /// True when 1/`share` of either bound is reached (share 1: full; 2: half full, the
  /// level under which replay pages are read). An empty queue is never full, so a
  /// frame larger than the byte bound is still sent, alone.
  bool over(std::size_t share = 1) const noexcept {
    return !frames_.empty() &&
           (frames_.size() >= max_frames_ / share || bytes_ >= max_bytes_ / share);
  }
  /// True when the queue holds `extra_frames` and `extra_bytes` beyond its bounds:
  /// answers to a client's own frames may go that far before it is closed.
  bool over_with_headroom(std::size_t extra_frames, std::size_t extra_bytes) const noexcept {
    return frames_.size() >= max_frames_ + extra_frames || bytes_ >= max_bytes_ + extra_bytes;
  }

 private:
  const std::size_t max_frames_;
  const std::size_t max_bytes_;
  // boost::container::deque: empty, it allocates nothing (libstdc++'s std::deque
  // allocates a 512-byte block at construction), and most connections are idle.
  boost::container::deque<std::string> frames_;
  std::size_t bytes_ = 0;
};

}  // namespace agenthost::server
