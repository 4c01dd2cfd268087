#include "ipc/channel.hpp"

#include <fcntl.h>
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

Channel::Channel(ChannelEnd end, std::function<void()> on_backlog)
    : end_(end), on_backlog_(std::move(on_backlog)) {
  const int flags = ::fcntl(end_.write_fd, F_GETFL);
  if (!on_backlog_ || flags < 0 || ::fcntl(end_.write_fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    const int error = on_backlog_ ? errno : EINVAL;
    ::close(end_.read_fd);
    ::close(end_.write_fd);
    throw std::system_error(error, std::generic_category(), "making a channel non-blocking");
  }
}

Channel::~Channel() {
  ::close(end_.read_fd);
  ::close(end_.write_fd);
}

std::optional<std::size_t> Channel::write_now(std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    // MSG_NOSIGNAL: a peer that died must not kill this process with SIGPIPE.
    const ssize_t n = ::send(end_.write_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (on_backlog_ && (errno == EAGAIN || errno == EWOULDBLOCK)) return sent;
      send_failed_ = true;
      return std::nullopt;
    }
    sent += static_cast<std::size_t>(n);
  }
  return sent;
}

bool Channel::send(const Frame& frame) {
  const std::string bytes = encode(frame);
  bool backlog_began = false;
  {
    std::lock_guard lock(send_mutex_);
    if (send_failed_) return false;
    if (!backlog_.empty()) {
      backlog_ += bytes;  // behind what waits already: frames keep their order
      return true;
    }
    const auto sent = write_now(bytes);
    if (!sent) return false;
    if (*sent < bytes.size()) {
      backlog_.assign(bytes, *sent);
      backlog_began = true;
    }
  }
  if (backlog_began) on_backlog_();
  return true;
}

Channel::Backlog Channel::flush_backlog() {
  std::lock_guard lock(send_mutex_);
  if (send_failed_) return {backlog_.size(), false, true};
  if (backlog_.empty()) return {};
  const auto sent = write_now(backlog_);
  if (!sent) return {backlog_.size(), false, true};
  backlog_.erase(0, *sent);
  return {backlog_.size(), *sent > 0, false};
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
