#include "context/random_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <chrono>
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

constexpr char kHex[] = "0123456789abcdef";

// Writes `n` random bytes as 2n hex characters into `out`.
void put_random_hex(char* out, std::size_t n) {
  thread_local RandomBytePool pool;
  const std::uint8_t* bytes = pool.take(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0x0f];
  }
}

}  // namespace

std::string random_id() {
  std::string id(kRandomIdLength, '0');
  put_random_hex(id.data(), kIdBytes);
  return id;
}

std::string time_ordered_id() {
  // 48 bits of milliseconds: 12 hex digits, enough until the year 10889.
  constexpr std::size_t kTimeDigits = 12;
  static_assert(kTimeDigits % 2 == 0 && kTimeDigits < kRandomIdLength);
  auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  std::string id(kRandomIdLength, '0');
  for (std::size_t i = kTimeDigits; i-- > 0; ms >>= 4) id[i] = kHex[ms & 0x0f];
  put_random_hex(id.data() + kTimeDigits, (kRandomIdLength - kTimeDigits) / 2);
  return id;
}

}  // namespace agenthost::context
