#pragma once
/// \file
/// Channel: one end of the supervisor-worker connection, sending and receiving
/// Frames. send() may be called from any thread (frames are written whole, one at a
/// time); one thread reads (read_frames). Plain blocking POSIX I/O: each side has a
/// single peer, so an event loop would add nothing but a thread hop.
///
/// An end has two AF_UNIX stream sockets, one per direction (open_channel_pair).
/// With one socket for both, the thread blocked reading it was woken each time the
/// peer read what this end had sent (the kernel wakes everyone waiting on a socket
/// when its send buffer drains, readers included): a wasted wake-up of the reader
/// for nearly every frame, about 16 us of CPU each on a 2-core VM
/// (bench/wake_bench.cpp; docs/benchmarks.md, "The workers' channel").

#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "ipc/frame.hpp"

namespace agenthost::ipc {

/// The descriptors of one end: it reads `read_fd` and writes `write_fd`.
struct ChannelEnd {
  int read_fd = -1;
  int write_fd = -1;
};

/// A worker process's end, at these descriptors (its supervisor puts them there).
inline constexpr ChannelEnd kWorkerChannelEnd{3, 4};

/// Where a worker writes its last words (worker/crash_report.hpp): a pipe apart from
/// the channel, which the supervisor reads once the process is gone. A crash frame
/// written from a signal handler, which cannot take the channel's send lock, can so
/// never land inside a frame another thread is sending.
inline constexpr int kWorkerLastWordsFd = 5;

/// Two connected ends (close-on-exec): what one writes, the other reads. Throws
/// std::system_error.
std::pair<ChannelEnd, ChannelEnd> open_channel_pair();

class Channel {
 public:
  /// Takes ownership of both descriptors.
  explicit Channel(ChannelEnd end) noexcept : end_(end) {}
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Writes `frame` whole. Returns false when the peer is gone (the channel is
  /// closed for writing from then on); throws FrameError for a frame over the limit.
  bool send(const Frame& frame);

  /// Reads frames and hands each to `on_frame` until the peer closes its end, the
  /// socket fails or a frame is malformed. Returns why reading stopped ("" for an
  /// orderly end of stream).
  std::string read_frames(const std::function<void(Frame&&)>& on_frame);

  /// Ends both directions: a read_frames on another thread returns, sends fail, the
  /// peer reads the end of the stream.
  void shutdown() noexcept;

 private:
  const ChannelEnd end_;
  std::mutex send_mutex_;
  bool send_failed_ = false;  // guarded by send_mutex_
};

}  // namespace agenthost::ipc
