#pragma once
// Small agents written in the tests, each doing one thing the harness must observe.

#include <agenthost/agent.hpp>
#include <agenthost/database_session.hpp>
#include <agenthost/event_emitter.hpp>
#include <agenthost/tool_dispatcher.hpp>

#include <soci/soci.h>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace sdk_test {

/// Returns its input after one agent_thinking event.
class Parrot final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    events().thinking("repeating");
    return input;
  }
};

/// Emits input.payload as a "custom.step" event and returns null.
class Emitter final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    events().emit("custom.step", input.at("payload").as_object());
    return nullptr;
  }
};

/// Emits "tick" events until its run is stopped (at most input.max of them).
class Ticker final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto max = input.is_object() && input.as_object().contains("max")
                         ? input.at("max").to_number<int>()
                         : 1000000;
    int ticks = 0;
    while (!context().stop_requested() && ticks < max) events().emit("tick", {{"n", ++ticks}});
    return {{"ticks", ticks}};
  }
};

/// Emits agent_thinking, then waits up to input.ms (default one minute) unless stopped.
class Sleeper final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto ms = input.is_object() && input.as_object().contains("ms")
                        ? input.at("ms").to_number<std::int64_t>()
                        : 60000;
    events().thinking("sleeping");
    return {{"slept", context().sleep_for(std::chrono::milliseconds(ms))}};
  }
};

/// Inserts input.value into notes (created by the test), then throws if input.fail.
class NoteWriter final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const std::string value(input.at("value").as_string());
    db().sql() << "INSERT INTO notes (run_id, value) VALUES (:run_id, :value)",
        soci::use(context().run_id()), soci::use(value);
    if (input.as_object().contains("fail"))
      throw std::runtime_error("note_writer fails on purpose");
    return {{"backend", db().backend()}};
  }
};

/// Calls tool input.tool with input.input; returns its result, or {"tool_error": what}.
class ToolUser final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    try {
      return tools().call(input.at("tool").as_string(), input.at("input"));
    } catch (const agenthost::ToolError& e) {
      return {{"tool_error", e.what()}};
    }
  }
};

/// Publishes its services for a test that uses them after the run.
struct Leaked {
  static inline std::atomic<agenthost::EventEmitter*> events{nullptr};
  static inline std::atomic<agenthost::DatabaseSession*> db{nullptr};
  static inline std::atomic<agenthost::ToolDispatcher*> tools{nullptr};
};

class Leaker final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override {
    Leaked::events = &events();
    Leaked::db = &db();
    Leaked::tools = &tools();
    return nullptr;
  }
};

/// Ignores its stop token until the test releases it.
struct Stubborn {
  static inline std::atomic<bool> release{false};
};

class StubbornAgent final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override {
    events().thinking("ignoring my stop token");
    while (!Stubborn::release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return nullptr;
  }
};

}  // namespace sdk_test
