// libFuzzer target: the supervisor's reading of a worker's bytes (host/ipc). A worker
// runs third-party code, so whatever it writes on its socket is untrusted.
// Invariants checked for every input:
//  - the decoder, fed the bytes in pieces (the first byte sets their size), returns
//    frames or throws FrameError, and nothing else, and never crashes;
//  - an accepted frame encodes back to bytes that decode to the same frame;
//  - the readers of the run messages (context, chat request and answer, a call's
//    reply) take any body: a value, or FrameError, or the SDK exception a reply
//    carries.

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_invariant.hpp"
#include "ipc/frame.hpp"
#include "ipc/run_messages.hpp"

namespace {

using namespace agenthost::ipc;
using agenthost::fuzz::check;

void read_messages(const Frame& frame) {
  try {
    switch (frame.type) {
      case FrameType::start:
        (void)context_fields(frame);
        break;
      case FrameType::call:
        if (const auto* r = frame.body.if_contains("request"); r && r->is_object())
          (void)chat_request(r->get_object());
        break;
      case FrameType::reply:
        try {
          const auto value = reply_result(frame);
          if (value.is_object()) (void)chat_result(value.get_object());
        } catch (const FrameError&) {
          throw;
        } catch (const std::exception&) {
          // The SDK exception the reply carries (RunEnded, ModelError, ...): expected.
        }
        break;
      default:
        (void)string_field(frame, "run");
    }
  } catch (const FrameError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = data[0] % 16 + 1;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  FrameDecoder decoder;
  try {
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      decoder.feed(bytes.substr(at, piece));
      while (auto frame = decoder.next()) {
        FrameDecoder again;
        again.feed(encode(*frame));
        const auto back = again.next();
        check(back && back->type == frame->type && back->body == frame->body,
              "a frame re-encoded decodes the same", std::string(to_string(frame->type)));
        check(again.buffered() == 0, "re-encoding leaves no bytes", "");
        read_messages(*frame);
      }
    }
  } catch (const FrameError&) {
    // Refused: the channel is closed and the worker killed.
  }
  return 0;
}
