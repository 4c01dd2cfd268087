// libFuzzer target: server::parse_client_frame, the WebSocket client -> host parser.
// Invariants checked for every input:
//  - it returns (never throws, never crashes);
//  - a refusal is a 400 with one of the malformed-input codes and a short, UTF-8
//    message (it goes into a text frame), and echoes only a valid request_id;
//  - an accepted frame holds valid ids and a bounded agent name, and serialised
//    back to JSON and parsed again it gives the same frame, exactly: the same
//    kinds and the same bits of every double (issue 16);
//  - its input written for people (json::display_text, agentctl's form) reads back
//    identical too.

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agenthost/id_rules.hpp"
#include "fuzz_invariant.hpp"
#include "json/display_text.hpp"
#include "json/identical.hpp"
#include "json/parse.hpp"
#include "server/client_frame.hpp"

namespace {

using namespace agenthost::server;
using agenthost::fuzz::check;
using agenthost::fuzz::fail;
using agenthost::json::identical;

void check_id(const std::string& id, const char* what) {
  check(agenthost::id_problem(id).empty(), what, id);
}

void check_optional_id(const std::optional<std::string>& id, const char* what) {
  if (id) check_id(*id, what);
}

void put_request_id(boost::json::object& o, const std::optional<std::string>& id) {
  if (id) o["request_id"] = *id;
}

// The frame as a client would send it; parse_client_frame must read it back as is.
std::string serialise(const ClientFrame& frame) {
  boost::json::object o;
  if (const auto* f = std::get_if<StartRunFrame>(&frame)) {
    o["type"] = "start_run";
    o["request_id"] = f->request_id;
    o["agent"] = f->run.agent;
    if (f->run.thread_id) o["thread_id"] = *f->run.thread_id;
    o["input"] = f->run.input;
    if (f->run.strategy)
      o["multitask_strategy"] = agenthost::execution::to_string(*f->run.strategy);
    if (!f->run.metadata.empty()) o["metadata"] = f->run.metadata;
  } else if (const auto* f = std::get_if<CancelRunFrame>(&frame)) {
    o["type"] = "cancel_run";
    o["run_id"] = f->run_id;
    put_request_id(o, f->request_id);
  } else if (const auto* f = std::get_if<SubscribeFrame>(&frame)) {
    o["type"] = "subscribe";
    o["run_id"] = f->run_id;
    o["after"] = f->after;
    put_request_id(o, f->request_id);
  } else if (const auto* f = std::get_if<PingFrame>(&frame)) {
    o["type"] = "ping";
    put_request_id(o, f->request_id);
  }
  return boost::json::serialize(o);
}

bool same(const ClientFrame& a, const ClientFrame& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<StartRunFrame>(&a)) {
    const auto& y = std::get<StartRunFrame>(b);
    return x->request_id == y.request_id && x->run.agent == y.run.agent &&
           x->run.thread_id == y.run.thread_id && identical(x->run.input, y.run.input) &&
           x->run.strategy == y.run.strategy &&
           identical(boost::json::value(x->run.metadata), boost::json::value(y.run.metadata));
  }
  if (const auto* x = std::get_if<CancelRunFrame>(&a)) {
    const auto& y = std::get<CancelRunFrame>(b);
    return x->run_id == y.run_id && x->request_id == y.request_id;
  }
  if (const auto* x = std::get_if<SubscribeFrame>(&a)) {
    const auto& y = std::get<SubscribeFrame>(b);
    return x->run_id == y.run_id && x->after == y.after && x->request_id == y.request_id;
  }
  if (const auto* x = std::get_if<PingFrame>(&a)) {
    return x->request_id == std::get<PingFrame>(b).request_id;
  }
  return false;
}

void check_refusal(const FrameError& e, std::string_view input) {
  const auto& code = e.error.code;
  check(e.error.status == 400, "a malformed frame is refused with status 400", input);
  check(code == error_code::invalid_json || code == error_code::missing_field ||
            code == error_code::invalid_field || code == error_code::unknown_field ||
            code == error_code::unknown_type,
        "a malformed frame gets a malformed-input error code", code);
  check(!e.error.message.empty(), "an error frame has a message", input);
  // Only cut-down client text is echoed: a message never grows with the input.
  check(e.error.message.size() <= 1024, "an error message stays short", e.error.message);
  check(agenthost::fuzz::is_valid_utf8(e.error.message),
        "an error message is UTF-8 (it is sent in a WebSocket text frame)", e.error.message);
  check_optional_id(e.request_id, "an echoed request_id is a valid id");
}

void check_accepted(const ClientFrame& frame, std::string_view input) {
  if (const auto* f = std::get_if<StartRunFrame>(&frame)) {
    check_id(f->request_id, "start_run.request_id is a valid id");
    check(!f->run.agent.empty() && f->run.agent.size() <= kMaxAgentNameLength,
          "start_run.agent is non-empty and bounded", f->run.agent);
    check_optional_id(f->run.thread_id, "start_run.thread_id is a valid id");
  } else if (const auto* f = std::get_if<CancelRunFrame>(&frame)) {
    check_id(f->run_id, "cancel_run.run_id is a valid id");
    check_optional_id(f->request_id, "cancel_run.request_id is a valid id");
  } else if (const auto* f = std::get_if<SubscribeFrame>(&frame)) {
    check_id(f->run_id, "subscribe.run_id is a valid id");
    check_optional_id(f->request_id, "subscribe.request_id is a valid id");
  } else if (const auto* f = std::get_if<PingFrame>(&frame)) {
    check_optional_id(f->request_id, "ping.request_id is a valid id");
  }

  const std::string again = serialise(frame);
  const ClientFrame reparsed = parse_client_frame(again);
  if (const auto* e = std::get_if<FrameError>(&reparsed))
    fail("a re-serialised frame parses again",
         std::string(input) + "\n  -> " + again + "\n  -> " + e->error.message);
  check(same(frame, reparsed), "a re-serialised frame parses to the same frame",
        std::string(input) + "\n  -> " + again);

  if (const auto* f = std::get_if<StartRunFrame>(&frame)) {
    const std::string shown = agenthost::json::display_text(f->run.input);
    const auto back = agenthost::json::parse(shown, {.max_depth = 64});
    const auto* value = std::get_if<boost::json::value>(&back);
    check(value && identical(*value, f->run.input),
          "the input written for people reads back identical",
          std::string(input) + "\n  -> " + shown);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ClientFrame frame;
  try {
    frame = parse_client_frame(input);
  } catch (const std::exception& e) {
    fail("parse_client_frame never throws", e.what());
  } catch (...) {
    fail("parse_client_frame never throws", "(not a std::exception)");
  }
  if (const auto* e = std::get_if<FrameError>(&frame))
    check_refusal(*e, input);
  else
    check_accepted(frame, input);
  return 0;
}
