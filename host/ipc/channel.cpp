#include "ipc/channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace agenthost::ipc {

std::pair<ChannelEnd, ChannelEnd> open_channel_pair() {
  int forth[2], back[2];  // left writes forth, right writes back
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, forth) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair for a channel");
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, back) != 0) {
    const int error = errno;
    ::close(forth[0]);
    ::close(forth[1]);
    throw std::system_error(error, std::generic_category(), "socketpair for a channel");
  }
  return {ChannelEnd{back[0], forth[0]}, ChannelEnd{forth[1], back[1]}};
}

Channel::~Channel() {
  ::close(end_.read_fd);
  ::close(end_.write_fd);
}

bool Channel::send(const Frame& frame) {
  const std::string bytes = encode(frame);
  std::lock_guard lock(send_mutex_);
  if (send_failed_) return false;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    // MSG_NOSIGNAL: a peer that died must not kill this process with SIGPIPE.
    const ssize_t n = ::send(end_.write_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
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
    const ssize_t n = ::recv(end_.read_fd, chunk.data(), chunk.size(), 0);
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

void Channel::shutdown() noexcept {
  ::shutdown(end_.read_fd, SHUT_RDWR);
  ::shutdown(end_.write_fd, SHUT_RDWR);
}

}  // namespace agenthost::ipc
