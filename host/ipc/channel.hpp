#pragma once
/// \file
/// Channel: one end of the supervisor-worker connection, sending and receiving
/// Frames. send() may be called from any thread (frames are written whole, one at a
/// time); one thread reads (read_frames). Plain POSIX I/O, reads blocking: each side
/// has a single peer, so an event loop would add nothing but a thread hop. The
/// supervisor's sends never block (the second constructor).
///
/// An end has two AF_UNIX stream sockets, one per direction (open_channel_pair).
/// With one socket for both, the thread blocked reading it was woken each time the
/// peer read what this end had sent (the kernel wakes everyone waiting on a socket
/// when its send buffer drains, readers included): a wasted wake-up of the reader
/// for nearly every frame, about 16 us of CPU each on a 2-core VM
/// (bench/wake_bench.cpp; docs/benchmarks.md, "The workers' channel").

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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
  /// Takes ownership of both descriptors. send() blocks until the peer has taken the
  /// frame (a worker's end: its supervisor always reads).
  explicit Channel(ChannelEnd end) noexcept : end_(end) {}
  /// The supervisor's end: send() never blocks. What the peer's socket buffer cannot
  /// take at once waits in this end's backlog, and `on_backlog` is called (on the
  /// sending thread, no lock held) each time a backlog begins: whoever it tells then
  /// calls flush_backlog() when the socket can take more. A worker that stopped
  /// reading (hung, or SIGSTOPped) so never holds up the thread that sends to it: an
  /// I/O thread forwarding a cancel, or a fiber thread carrying other users' runs.
  /// Throws std::system_error when the socket cannot be made non-blocking.
  Channel(ChannelEnd end, std::function<void()> on_backlog);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Writes `frame` whole (or, on a non-blocking end, queues what the socket cannot
  /// take yet behind what is queued already, keeping the order). Returns false when the
  /// peer is gone (the channel is closed for writing from then on); throws FrameError
  /// for a frame over the limit.
  bool send(const Frame& frame);

  /// A non-blocking end: writes what the socket takes of the backlog now.
  struct Backlog {
    std::size_t waiting = 0;  ///< bytes still queued after this call
    bool progressed = false;  ///< some were written
    bool failed = false;      ///< the peer is gone: nothing more will be written
  };
  Backlog flush_backlog();
  /// The descriptor to wait on for room to write (poll's POLLOUT).
  int write_fd() const noexcept { return end_.write_fd; }

  /// Reads frames and hands each to `on_frame` until the peer closes its end, the
  /// socket fails or a frame is malformed. Returns why reading stopped ("" for an
  /// orderly end of stream).
  std::string read_frames(const std::function<void(Frame&&)>& on_frame);

  /// Ends both directions: a read_frames on another thread returns, sends fail, the
  /// peer reads the end of the stream.
  void shutdown() noexcept;

 private:
  /// Under send_mutex_: writes what the socket takes of `bytes` now (a blocking end:
  /// all of it); how many it took, or nullopt when the peer is gone.
  std::optional<std::size_t> write_now(std::string_view bytes);

  const ChannelEnd end_;
  const std::function<void()> on_backlog_;  // empty: a blocking end
  std::mutex send_mutex_;
  bool send_failed_ = false;  // guarded by send_mutex_
  std::string backlog_;       // guarded by send_mutex_: bytes the socket has not taken yet
};

}  // namespace agenthost::ipc
