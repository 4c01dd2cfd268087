#include "ipc/channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace agenthost::ipc {

Channel::~Channel() { ::close(fd_); }

bool Channel::send(const Frame& frame) {
  const std::string bytes = encode(frame);
  std::lock_guard lock(send_mutex_);
  if (send_failed_) return false;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    // MSG_NOSIGNAL: a peer that died must not kill this process with SIGPIPE.
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      send_failed_ = true;
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string Channel::read_frames(const std::function<void(Frame&&)>& on_frame) {
  FrameDecoder decoder;
  std::array<char, 64 * 1024> chunk{};
  for (;;) {
    const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n == 0) return decoder.buffered() == 0 ? "" : "the peer closed the socket mid-frame";
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::string("reading the socket failed: ") + std::strerror(errno);
    }
    decoder.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
    try {
      while (auto frame = decoder.next()) on_frame(std::move(*frame));
    } catch (const FrameError& e) {
      return std::string("malformed frame: ") + e.what();
    }
  }
}

void Channel::shutdown() noexcept { ::shutdown(fd_, SHUT_RDWR); }

}  // namespace agenthost::ipc
