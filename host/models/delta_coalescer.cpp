#include "models/delta_coalescer.hpp"

#include <utility>

#include "text/utf8.hpp"

namespace agenthost::models {

DeltaCoalescer::DeltaCoalescer(std::function<void(std::string)> send,
                               std::chrono::milliseconds interval, std::size_t max_bytes)
    : send_(std::move(send)), interval_(interval), max_bytes_(max_bytes) {}

void DeltaCoalescer::add(std::string_view text) {
  std::lock_guard lock(mutex_);
  pending_.append(text);
  if (pending_.size() >= max_bytes_ || !last_sent_ || Clock::now() - *last_sent_ >= interval_)
    send_locked();
}

void DeltaCoalescer::flush() {
  std::lock_guard lock(mutex_);
  send_locked();
}

void DeltaCoalescer::send_locked() {
  std::string_view rest = pending_;
  while (!rest.empty()) {
    auto piece = text::utf8_prefix(rest, max_bytes_);
    if (piece.empty()) piece = rest.substr(0, max_bytes_);  // not UTF-8 at all: cut anyway
    send_(std::string(piece));
    rest.remove_prefix(piece.size());
  }
  pending_.clear();
  last_sent_ = Clock::now();
}

}  // namespace agenthost::models
