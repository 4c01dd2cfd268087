#include "ipc/frame.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <variant>

#include "json/parse.hpp"

namespace agenthost::ipc {
namespace {

constexpr std::uint8_t kLastType = static_cast<std::uint8_t>(FrameType::ack);

[[noreturn]] void missing(BodyView body, std::string_view key, std::string_view what) {
  throw FrameError("frame " + std::string(to_string(body.frame)) + ": field \"" + std::string(key) +
                   "\" " + std::string(what));
}

const boost::json::value& field(BodyView body, std::string_view key) {
  const auto* value = body.object.if_contains(key);
  if (!value) missing(body, key, "is missing");
  return *value;
}

}  // namespace

std::string_view to_string(FrameType type) noexcept {
  switch (type) {
    case FrameType::ready:
      return "ready";
    case FrameType::start:
      return "start";
    case FrameType::stop:
      return "stop";
    case FrameType::event:
      return "event";
    case FrameType::call:
      return "call";
    case FrameType::reply:
      return "reply";
    case FrameType::done:
      return "done";
    case FrameType::crash:
      return "crash";
    case FrameType::ack:
      return "ack";
  }
  return "unknown";
}

std::string encode(const Frame& frame) {
  const std::string body = boost::json::serialize(frame.body);
  const std::size_t length = body.size() + 1;
  if (length > kMaxFrameBytes)
    throw FrameError("frame " + std::string(to_string(frame.type)) + " of " +
                     std::to_string(length) + " bytes is over the limit of " +
                     std::to_string(kMaxFrameBytes));
  std::string out;
  out.reserve(kFrameHeaderBytes + length);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((length >> shift) & 0xffu));
  out.push_back(static_cast<char>(frame.type));
  out += body;
  return out;
}

void FrameDecoder::feed(std::string_view bytes) {
  // Drop what was consumed before growing, so the buffer holds at most one partial
  // frame plus the new bytes.
  if (offset_ > 0 && offset_ >= buffer_.size() / 2) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Frame> FrameDecoder::next() {
  if (buffered() < kFrameHeaderBytes) return std::nullopt;
  const auto* head = reinterpret_cast<const unsigned char*>(buffer_.data() + offset_);
  const std::size_t length = (std::size_t{head[0]} << 24) | (std::size_t{head[1]} << 16) |
                             (std::size_t{head[2]} << 8) | std::size_t{head[3]};
  if (length == 0) throw FrameError("frame of length 0: no type byte");
  if (length > kMaxFrameBytes)
    throw FrameError("frame length " + std::to_string(length) + " is over the limit of " +
                     std::to_string(kMaxFrameBytes));
  if (buffered() < kFrameHeaderBytes + length) return std::nullopt;
  const std::uint8_t type = head[kFrameHeaderBytes];
  if (type == 0 || type > kLastType)
    throw FrameError("frame type " + std::to_string(type) + " is unknown");
  Frame frame;
  frame.type = static_cast<FrameType>(type);
  const std::string_view text(buffer_.data() + offset_ + kFrameHeaderBytes + 1, length - 1);
  // The host's one JSON reader: a double crosses the channel as the same double (Boost.JSON
  // 1.81's own parser rounds large exponents inexactly: 104e56 came back different).
  auto parsed = json::parse(text, {.max_depth = json::kMaxCarriedDepth});
  if (const auto* error = std::get_if<json::ParseError>(&parsed))
    throw FrameError("frame " + std::string(to_string(frame.type)) +
                     ": the body is not JSON: " + error->describe());
  auto& body = std::get<boost::json::value>(parsed);
  if (!body.is_object())
    throw FrameError("frame " + std::string(to_string(frame.type)) +
                     ": the body is not a JSON object");
  frame.body = std::move(body.get_object());
  offset_ += kFrameHeaderBytes + length;
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  }
  return frame;
}

BodyView BodyView::nested(std::string_view key) const {
  return BodyView(object_field(*this, key), frame);
}

std::string string_field(BodyView body, std::string_view key) {
  const auto& value = field(body, key);
  if (!value.is_string()) missing(body, key, "is not a string");
  return std::string(value.get_string());
}

std::uint64_t uint_field(BodyView body, std::string_view key) {
  const auto& value = field(body, key);
  if (value.is_uint64()) return value.get_uint64();
  if (value.is_int64() && value.get_int64() >= 0)
    return static_cast<std::uint64_t>(value.get_int64());
  missing(body, key, "is not a non-negative integer");
}

std::uint32_t u32_field(BodyView body, std::string_view key) {
  const auto value = uint_field(body, key);
  if (value > UINT32_MAX) missing(body, key, "is out of range");
  return static_cast<std::uint32_t>(value);
}

const boost::json::object& object_field(BodyView body, std::string_view key) {
  const auto& value = field(body, key);
  if (!value.is_object()) missing(body, key, "is not an object");
  return value.get_object();
}

bool bool_field(BodyView body, std::string_view key) {
  const auto& value = field(body, key);
  if (!value.is_bool()) missing(body, key, "is not a boolean");
  return value.get_bool();
}

}  // namespace agenthost::ipc
