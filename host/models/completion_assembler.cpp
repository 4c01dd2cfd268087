#include "models/completion_assembler.hpp"

#include <boost/json/serialize.hpp>

#include <utility>
#include <variant>

#include "json/parse.hpp"

namespace agenthost::models {
namespace {

using agenthost::ModelError;

[[noreturn]] void bad(const std::string& what) {
  throw ModelError(ModelError::Kind::bad_response,
                   "the endpoint's answer is not a valid chat completion: " + what);
}

boost::json::object parse_object(std::string_view text, const char* what) {
  auto parsed = json::parse(text);
  if (auto* error = std::get_if<json::ParseError>(&parsed))
    bad(std::string(what) + " is " + error->describe());
  auto& value = std::get<boost::json::value>(parsed);
  if (!value.is_object()) bad(std::string(what) + " is not a JSON object");
  return std::move(value.as_object());
}

std::string string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<agenthost::TokenUsage> read_usage(const boost::json::object& o) {
  const auto* usage = o.if_contains("usage");
  if (!usage || !usage->is_object()) return std::nullopt;
  const auto& u = usage->as_object();
  auto count = [&](std::string_view key) -> std::uint64_t {
    const auto* v = u.if_contains(key);
    if (!v) return 0;
    if (v->is_uint64()) return v->as_uint64();
    if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
    bad("usage." + std::string(key) + " is not a count");
  };
  return agenthost::TokenUsage{count("prompt_tokens"), count("completion_tokens"), false};
}

const boost::json::object* first_choice(const boost::json::object& o) {
  const auto* choices = o.if_contains("choices");
  if (!choices) return nullptr;
  if (!choices->is_array()) bad("choices is not a list");
  if (choices->as_array().empty()) return nullptr;
  const auto& choice = choices->as_array().front();
  if (!choice.is_object()) bad("a choice is not an object");
  return &choice.as_object();
}

}  // namespace

CompletionAssembler::CompletionAssembler(TextSink on_text) : on_text_(std::move(on_text)) {}

void CompletionAssembler::add_event(std::string_view data) {
  if (data == "[DONE]") {
    done_ = true;
    return;
  }
  const auto chunk = parse_object(data, "a streamed chunk");
  if (const auto* error = chunk.if_contains("error"))
    throw ModelError(ModelError::Kind::upstream, "the endpoint reported an error mid-answer: " +
                                                     boost::json::serialize(*error));
  if (auto usage = read_usage(chunk)) completion_.usage = usage;
  const auto* choice = first_choice(chunk);
  if (!choice) return;
  if (auto reason = string_member(*choice, "finish_reason"); !reason.empty())
    completion_.finish_reason = std::move(reason);
  if (const auto* delta = choice->if_contains("delta")) {
    if (!delta->is_object()) bad("a chunk's delta is not an object");
    add_choice_delta(delta->as_object());
  }
}

void CompletionAssembler::add_choice_delta(const boost::json::object& delta) {
  if (auto text = string_member(delta, "content"); !text.empty()) {
    completion_.text += text;
    if (on_text_) on_text_(text);
  }
  const auto* calls = delta.if_contains("tool_calls");
  if (!calls) return;
  if (!calls->is_array()) bad("a delta's tool_calls is not a list");
  for (const auto& item : calls->as_array()) {
    if (!item.is_object()) bad("a tool call is not an object");
    const auto& part = item.as_object();
    const auto* index = part.if_contains("index");
    std::uint64_t at = calls_.size();
    if (index && index->is_int64() && index->as_int64() >= 0)
      at = static_cast<std::uint64_t>(index->as_int64());
    auto& call = calls_[at];
    if (auto id = string_member(part, "id"); !id.empty()) call["id"] = id;
    call["type"] = "function";
    auto& function = call["function"];
    if (!function.is_object()) function = boost::json::object{{"name", ""}, {"arguments", ""}};
    if (const auto* f = part.if_contains("function"); f && f->is_object()) {
      auto& target = function.as_object();
      target["name"] =
          std::string(target["name"].as_string()) + string_member(f->as_object(), "name");
      target["arguments"] =
          std::string(target["arguments"].as_string()) + string_member(f->as_object(), "arguments");
    }
  }
}

void CompletionAssembler::add_body(std::string_view body) {
  const auto answer = parse_object(body, "the body");
  completion_.usage = read_usage(answer);
  const auto* choice = first_choice(answer);
  if (!choice) bad("it has no choices");
  completion_.finish_reason = string_member(*choice, "finish_reason");
  const auto* message = choice->if_contains("message");
  if (!message || !message->is_object()) bad("its choice has no message");
  auto delta = message->as_object();
  if (auto* calls = delta.if_contains("tool_calls"); calls && calls->is_array()) {
    std::uint64_t i = 0;
    for (auto& call : calls->as_array())
      if (call.is_object()) call.as_object()["index"] = i++;
  }
  add_choice_delta(delta);
  done_ = true;
}

Completion CompletionAssembler::take() {
  for (auto& [index, call] : calls_) completion_.tool_calls.push_back(std::move(call));
  calls_.clear();
  return std::move(completion_);
}

}  // namespace agenthost::models
