#pragma once
/// \file
/// Channel: one end of the supervisor-worker socket (a connected AF_UNIX stream
/// socket), sending and receiving Frames. send() may be called from any thread
/// (frames are written whole, one at a time); one thread reads (read_frames). Plain
/// blocking POSIX I/O: each side has a single peer, so an event loop would add
/// nothing but a thread hop.

#include <functional>
#include <mutex>
#include <string>

#include "ipc/frame.hpp"

namespace agenthost::ipc {

class Channel {
 public:
  /// Takes ownership of `fd`.
  explicit Channel(int fd) noexcept : fd_(fd) {}
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Writes `frame` whole. Returns false when the peer is gone (the channel is
  /// closed for writing from then on); throws FrameError for a frame over the limit.
  bool send(const Frame& frame);

  /// Reads frames and hands each to `on_frame` until the peer closes the socket, the
  /// socket fails or a frame is malformed. Returns why reading stopped ("" for an
  /// orderly end of stream).
  std::string read_frames(const std::function<void(Frame&&)>& on_frame);

  /// Ends both directions: a read_frames on another thread returns, sends fail.
  void shutdown() noexcept;

  int fd() const noexcept { return fd_; }

 private:
  const int fd_;
  std::mutex send_mutex_;
  bool send_failed_ = false;  // guarded by send_mutex_
};

}  // namespace agenthost::ipc
