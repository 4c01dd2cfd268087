#include "context/random_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <system_error>

namespace agenthost::context {
namespace {

constexpr std::size_t kIdBytes = kRandomIdLength / 2;
constexpr std::size_t kBufferBytes = 256 * kIdBytes;

// Bytes come straight from getrandom() (the kernel's ChaCha20 CSPRNG); buffering
// them per thread keeps ids unguessable while costing one system call per 256 ids.
class RandomBytePool {
 public:
  const std::uint8_t* take(std::size_t n) {
    if (used_ + n > buffer_.size()) refill();
    const std::uint8_t* p = buffer_.data() + used_;
    used_ += n;
    return p;
  }

 private:
  void refill() {
    std::size_t filled = 0;
    while (filled < buffer_.size()) {
      const ssize_t got = ::getrandom(buffer_.data() + filled, buffer_.size() - filled, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(),
                                "random_id: getrandom() failed; the host cannot make run ids");
      }
      filled += static_cast<std::size_t>(got);
    }
    used_ = 0;
  }

  std::array<std::uint8_t, kBufferBytes> buffer_{};
  std::size_t used_ = kBufferBytes;  // empty until first use
};

}  // namespace

std::string random_id() {
  thread_local RandomBytePool pool;
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint8_t* bytes = pool.take(kIdBytes);
  std::string id(kRandomIdLength, '0');
  for (std::size_t i = 0; i < kIdBytes; ++i) {
    id[2 * i] = kHex[bytes[i] >> 4];
    id[2 * i + 1] = kHex[bytes[i] & 0x0f];
  }
  return id;
}

}  // namespace agenthost::context
