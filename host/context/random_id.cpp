#include "context/random_id.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <atomic>
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
  // The first 16 hex digits: milliseconds (48 bits, until the year 10889) shifted
  // left by 16, plus a counter, taken as the larger of "last one + 1" and "now": ids
  // made by this process are strictly increasing even within one millisecond (runs
  // listed in creation order tie-break on them), and run ahead of the clock only past
  // 65,536 ids in a millisecond.
  static std::atomic<std::uint64_t> last{0};
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  std::uint64_t prev = last.load(std::memory_order_relaxed);
  std::uint64_t next = 0;
  do {
    next = std::max(prev + 1, ms << 16);
  } while (!last.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  constexpr std::size_t kOrderedDigits = 16;
  static_assert(kOrderedDigits < kRandomIdLength);
  std::string id(kRandomIdLength, '0');
  for (std::size_t i = kOrderedDigits; i-- > 0; next >>= 4) id[i] = kHex[next & 0x0f];
  put_random_hex(id.data() + kOrderedDigits, (kRandomIdLength - kOrderedDigits) / 2);
  return id;
}

}  // namespace agenthost::context
