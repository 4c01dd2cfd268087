#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include <string>

#include "ipc/frame.hpp"
#include "json/parse.hpp"

using agenthost::ipc::encode;
using agenthost::ipc::Frame;
using agenthost::ipc::FrameDecoder;
using agenthost::ipc::FrameError;
using agenthost::ipc::FrameType;
namespace json = boost::json;

namespace {

std::string header(std::size_t length) {
  std::string h;
  for (int shift = 24; shift >= 0; shift -= 8)
    h.push_back(static_cast<char>((length >> shift) & 0xff));
  return h;
}

}  // namespace

TEST_CASE("frames come back whole however the bytes are split") {
  const Frame a{FrameType::event, json::object{{"run", "r1"},
                                               {"type", "agent_thinking"},
                                               {"payload", json::object{{"text", "é\"\\"}}}}};
  const Frame b{FrameType::done, json::object{{"run", "r1"}}};
  const std::string bytes = encode(a) + encode(b);
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, bytes.size()}) {
    INFO("pieces of " << piece);
    FrameDecoder decoder;
    std::vector<Frame> frames;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      decoder.feed(std::string_view(bytes).substr(at, piece));
      while (auto f = decoder.next()) frames.push_back(std::move(*f));
    }
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].type == FrameType::event);
    CHECK(frames[0].body == a.body);
    CHECK(frames[1].type == FrameType::done);
    CHECK(frames[1].body == b.body);
    CHECK(decoder.buffered() == 0);
  }
}

TEST_CASE("a double crosses the channel as the same double, however large its exponent") {
  // Found by fuzz_ipc_frame: Boost.JSON 1.81's own parser read 104e56 (and other large
  // exponents) as a neighbouring double, so a payload changed value between worker and
  // supervisor. The text below is a frame as the other side writes it.
  for (const std::string number : {"104e56", "1.04e58", "2.2250738585072014e-308",
                                   "9007199254740993.5", "1.7976931348623157e308"}) {
    INFO(number);
    const std::string body = R"({"run":"r1","type":"x","payload":{"v":)" + number + "}}";
    FrameDecoder decoder;
    decoder.feed(header(static_cast<std::uint32_t>(body.size() + 1)) + "\x04" + body);
    const auto frame = decoder.next();
    REQUIRE(frame);
    const double read = frame->body.at("payload").at("v").as_double();
    CHECK(read == std::stod(number));  // the nearest double, as strtod rounds
    FrameDecoder again;
    again.feed(encode(*frame));
    const auto back = again.next();
    REQUIRE(back);
    CHECK(back->body == frame->body);
  }
}

TEST_CASE("a frame carries a run's input as deep as the host accepts it") {
  // 64 levels, as POST /v1/runs takes them, inside a start frame's "input" field.
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + "1" + std::string(depth, ']');
  };
  const std::string deep = R"({"run":"r1","input":{"v":)" + nested(63) + "}}";
  FrameDecoder decoder;
  decoder.feed(header(deep.size() + 1) + "\x02" + deep);
  const auto frame = decoder.next();
  REQUIRE(frame);
  CHECK(frame->body.at("input").at("v").is_array());
  // Past json::kMaxCarriedDepth the frame is refused: a worker cannot make the reader recurse
  // without bound.
  const std::string too_deep =
      R"({"run":"r1","v":)" + nested(agenthost::json::kMaxCarriedDepth) + "}";
  FrameDecoder refused;
  refused.feed(header(too_deep.size() + 1) + "\x02" + too_deep);
  CHECK_THROWS_WITH(refused.next(), Catch::Contains("too deep"));
}

TEST_CASE("a malformed frame is refused with what is wrong") {
  auto refusal = [](const std::string& bytes) {
    FrameDecoder decoder;
    decoder.feed(bytes);
    try {
      decoder.next();
    } catch (const FrameError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refusal(header(0)) == "frame of length 0: no type byte");
  CHECK(refusal(header(agenthost::ipc::kMaxFrameBytes + 1)).find("over the limit") !=
        std::string::npos);
  CHECK(refusal(header(3) + "\x0a{}") == "frame type 10 is unknown");
  CHECK(refusal(header(3) + std::string(1, '\0') + "{}") == "frame type 0 is unknown");
  CHECK(refusal(header(4) + "\x04{x}").find("frame event: the body is not JSON") == 0);
  CHECK(refusal(header(3) + "\x04[]") == "frame event: the body is not a JSON object");
}

TEST_CASE("an incomplete frame waits for its remaining bytes") {
  const auto bytes = encode(Frame{FrameType::ready, json::object{{"pid", 42}}});
  FrameDecoder decoder;
  decoder.feed(std::string_view(bytes).substr(0, bytes.size() - 1));
  CHECK_FALSE(decoder.next());
  decoder.feed(std::string_view(bytes).substr(bytes.size() - 1));
  const auto frame = decoder.next();
  REQUIRE(frame);
  CHECK(agenthost::ipc::uint_field(*frame, "pid") == 42);
}

TEST_CASE("reading a body's fields names the field and the frame") {
  const Frame f{FrameType::stop, json::object{{"run", 5}, {"cause", "cancelled"}}};
  CHECK(agenthost::ipc::string_field(f, "cause") == "cancelled");
  CHECK_THROWS_WITH(agenthost::ipc::string_field(f, "run"),
                    "frame stop: field \"run\" is not a string");
  CHECK_THROWS_WITH(agenthost::ipc::uint_field(f, "call"), "frame stop: field \"call\" is missing");
  CHECK_THROWS_WITH(agenthost::ipc::object_field(f, "cause"),
                    "frame stop: field \"cause\" is not an object");
}

TEST_CASE("encode refuses a frame over the limit") {
  const Frame big{FrameType::event,
                  json::object{{"payload", std::string(agenthost::ipc::kMaxFrameBytes, 'x')}}};
  CHECK_THROWS_AS(encode(big), FrameError);
}
