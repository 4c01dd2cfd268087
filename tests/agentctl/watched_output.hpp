#pragma once
/// \file
/// An ostream that another thread may wait on: agentctl writes its lines from one
/// thread while the test waits (with a deadline, no sleeps) for a line to appear.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>

namespace agenthost::agentctl::test {

class WatchedOutput : public std::ostream {
 public:
  WatchedOutput() : std::ostream(&buffer_) {}

  std::string text() const {
    std::lock_guard lock(buffer_.mutex);
    return buffer_.text;
  }

  /// Waits until the output contains `needle`; false after `timeout`.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(buffer_.mutex);
    return buffer_.changed.wait_for(lock, timeout,
                                    [&] { return buffer_.text.find(needle) != std::string::npos; });
  }

 private:
  struct Buffer : std::streambuf {
    int_type overflow(int_type c) override {
      if (c != traits_type::eof()) {
        std::lock_guard lock(mutex);
        text.push_back(static_cast<char>(c));
      }
      changed.notify_all();
      return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      {
        std::lock_guard lock(mutex);
        text.append(s, static_cast<std::size_t>(n));
      }
      changed.notify_all();
      return n;
    }
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::string text;
  };
  Buffer buffer_;
};

}  // namespace agenthost::agentctl::test
