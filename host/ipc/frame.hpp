#pragma once
/// \file
/// The frames the supervisor and its workers exchange over their socket. A frame is
/// a 4-byte big-endian length N, then N bytes: one byte of FrameType and a JSON
/// object (the body). JSON keeps the bodies readable in a trace and lets either side
/// check a field's presence and type by name; the length prefix lets a reader take a
/// frame whole without scanning. A frame longer than kMaxFrameBytes, an unknown type
/// or a body that is not a JSON object is refused (FrameError): the peer is treated
/// as untrusted, since a worker runs third-party code.
///
/// Who sends what (bodies: docs/architecture.md, "Worker processes"):
///   worker -> supervisor: ready, event, call (ask, checkpoint, model), reply (to a
///                         tool call), done, crash
///   supervisor -> worker: start, stop, reply (to a call), call (tool)

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace agenthost::ipc {

enum class FrameType : std::uint8_t {
  ready = 1,  ///< worker: plugins loaded, taking runs {pid}
  start = 2,  ///< supervisor: run this {run, context fields, input, checkpoint}
  stop = 3,   ///< supervisor: the run was told to stop {run, cause}
  event = 4,  ///< worker: the run emitted {run, type, payload}
  call = 5,   ///< either: a request the other side answers {run, call, op, ...}
  reply = 6,  ///< either: the answer to a call {run, call, ok, value | error}
  done = 7,   ///< worker: the run's fiber ended and released everything {run}
  crash = 8,  ///< worker: a fatal signal while running {run, signal}
  ack = 9,    ///< supervisor: the run's event frames taken so far {run, events}
};

/// The name of a frame type ("ready", ...), or "unknown".
std::string_view to_string(FrameType type) noexcept;

struct Frame {
  FrameType type = FrameType::ready;
  boost::json::object body;
};

/// Longest frame accepted: an event's payload is bounded far below this, a run's
/// input and result by limits.max_result_bytes (at most 16 MiB).
inline constexpr std::size_t kMaxFrameBytes = 32u * 1024u * 1024u;
/// Bytes before each frame's content: its length.
inline constexpr std::size_t kFrameHeaderBytes = 4;

class FrameError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The bytes of `frame` on the wire.
std::string encode(const Frame& frame);

/// Reassembles frames from a byte stream read in arbitrary pieces.
class FrameDecoder {
 public:
  /// Appends bytes read from the socket.
  void feed(std::string_view bytes);
  /// The next whole frame, or nullopt until more bytes arrive. Throws FrameError
  /// naming what is wrong (length, type, body); the stream is unusable after that.
  std::optional<Frame> next();
  /// Bytes received and not yet taken as frames.
  std::size_t buffered() const noexcept { return buffer_.size() - offset_; }

 private:
  std::string buffer_;
  std::size_t offset_ = 0;
};

/// A JSON object of a frame: its body or an object nested in it, read in place and
/// named by its frame in errors. A Frame converts to the view of its body.
struct BodyView {
  const boost::json::object& object;
  FrameType frame;

  BodyView(const boost::json::object& o, FrameType f) noexcept : object(o), frame(f) {}
  BodyView(const Frame& f) noexcept : object(f.body), frame(f.type) {}  // NOLINT: implicit
  /// The object at `key`, named by the same frame (throws as object_field).
  BodyView nested(std::string_view key) const;
};

// Reading a body's fields: each throws FrameError naming the field and the frame
// when it is missing or of the wrong type.
std::string string_field(BodyView body, std::string_view key);
std::uint64_t uint_field(BodyView body, std::string_view key);
/// uint_field, refused when over UINT32_MAX.
std::uint32_t u32_field(BodyView body, std::string_view key);
const boost::json::object& object_field(BodyView body, std::string_view key);
bool bool_field(BodyView body, std::string_view key);

}  // namespace agenthost::ipc
