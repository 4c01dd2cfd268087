// testagents: a valid plugin whose agents misbehave on request, for the host's
// tests (execution, cancellation, isolation). Not an example to copy.
//
//   sleepy         {"ms": n}: thinking event, then sleeps n ms unless cancelled
//   failing        {"message": s}: throws std::runtime_error(s)
//   throwing_ctor  throws from its constructor
//   throwing_dtor  returns normally, then throws from its destructor
//   chatty         {"count": n}: emits n agent_thinking events (input_schema: count is
//                  an integer 0 .. 100000)
//   dbwriter       {"value": s, "fail": b}: inserts (run_id, s) into agent_notes,
//                  then throws when fail is true (the insert must be rolled back)
//   toolcaller     calls tool "testagents.record" with its input, returns the result
//   durable        {"steps": n, "ms": m}: resumable; n steps of m ms each, a thinking
//                  event and a checkpoint {"done": k} after each; a resumed run starts
//                  at its checkpoint; returns {"steps": n, "resumed_at": k0}
// and the tool testagents.record, which returns its input with the caller's ids.

#include <soci/soci.h>
#include <agenthost/plugin.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace {

const boost::json::value* field(const boost::json::value& input, const char* key) {
  const auto* object = input.if_object();
  return object ? object->if_contains(key) : nullptr;
}

std::int64_t int_field(const boost::json::value& input, const char* key) {
  const auto* v = field(input, key);
  if (!v || !v->is_int64()) return 0;
  return v->as_int64();
}

class Sleepy final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto ms = int_field(input, "ms");
    events().thinking("sleeping " + std::to_string(ms) + " ms");
    const bool slept = context().sleep_for(std::chrono::milliseconds(ms));
    return {{"slept_ms", ms}, {"cancelled", !slept}};
  }
};

class Durable final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto steps = int_field(input, "steps");
    const auto ms = int_field(input, "ms");
    const auto saved = context().last_checkpoint();
    const std::int64_t first = saved ? int_field(*saved, "done") : 0;
    for (auto step = first; step < steps; ++step) {
      events().thinking("step " + std::to_string(step + 1));
      if (!context().sleep_for(std::chrono::milliseconds(ms))) return {{"cancelled", true}};
      context().checkpoint({{"done", step + 1}});
    }
    return {{"steps", steps}, {"resumed_at", first}};
  }
};

class Failing final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto* message = field(input, "message");
    throw std::runtime_error(message && message->is_string()
                                 ? std::string(message->as_string())
                                 : std::string("failing agent fails on purpose"));
  }
};

class ThrowingCtor final : public agenthost::Agent {
 public:
  explicit ThrowingCtor(const agenthost::AgentServices& services) : Agent(services) {
    throw std::runtime_error("throwing_ctor fails in its constructor on purpose");
  }
  boost::json::value run(const boost::json::value&) override { return nullptr; }
};

class ThrowingDtor final : public agenthost::Agent {
 public:
  using Agent::Agent;
  ~ThrowingDtor() noexcept(false) override {
    throw std::runtime_error("throwing_dtor fails in its destructor on purpose");
  }
  boost::json::value run(const boost::json::value&) override { return "done"; }
};

class Chatty final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto count = int_field(input, "count");
    for (std::int64_t i = 0; i < count; ++i)
      events().thinking("chatty event " + std::to_string(i), static_cast<int>(i));
    return {{"emitted", count}};
  }
};

class DbWriter final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    const auto* v = field(input, "value");
    const std::string value = !v               ? std::string()
                              : v->is_string() ? std::string(v->as_string())
                                               : serialize(*v);
    const std::string run_id = context().run_id();
    auto& sql = db().sql();
    auto insert = [&] {
      sql << "INSERT INTO agent_notes (run_id, value) VALUES (:run_id, :value)", soci::use(run_id),
          soci::use(value);
    };
    if (db().backend() == "sqlite3") {
      // Write first: a SQLite transaction that read (even the schema, as CREATE TABLE
      // IF NOT EXISTS does) cannot write once another run has committed since, so the
      // table is created only when the insert finds it missing.
      try {
        insert();
      } catch (const soci::soci_error& e) {
        if (std::string(e.what()).find("no such table") == std::string::npos) throw;
        try {
          sql << "CREATE TABLE agent_notes (run_id TEXT NOT NULL, value TEXT NOT NULL)";
        } catch (const soci::soci_error& race) {
          // Another run found it missing too and created it first (seen under ASan:
          // "table agent_notes already exists"). The refusal comes from preparing the
          // statement, before this transaction read anything: the insert can go on.
          if (std::string(race.what()).find("already exists") == std::string::npos) throw;
        }
        insert();
      }
    } else {
      // Two runs' concurrent CREATE TABLE IF NOT EXISTS can both try to create it, and the
      // second then fails on PostgreSQL's catalog (pg_type): creators take turns.
      sql << "SELECT pg_advisory_xact_lock(7015)";
      sql << "CREATE TABLE IF NOT EXISTS agent_notes (run_id TEXT NOT NULL, value TEXT NOT NULL)";
      insert();
    }
    const auto* fail = field(input, "fail");
    if (fail && fail->is_bool() && fail->as_bool())
      throw std::runtime_error("dbwriter fails after its insert on purpose");
    return {{"inserted", value}};
  }
};

class ToolCaller final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    return tools().call("testagents.record", input);
  }
};

boost::json::value record(const agenthost::ExecutionContext& context,
                          const boost::json::value& input) {
  return {{"input", input},
          {"user_id", context.user_id()},
          {"thread_id", context.thread_id()},
          {"run_id", context.run_id()},
          {"request_id", context.request_id()},
          {"agent_name", context.agent_name()}};
}

void register_testagents(agenthost::Registrar& r) {
  r.add_agent<Sleepy>({.name = "sleepy", .description = "Sleeps input.ms ms", .version = "1"});
  r.add_agent<Durable>({.name = "durable",
                        .description = "Works input.steps steps, checkpointing each",
                        .version = "1",
                        .resumable = true});
  r.add_agent<Failing>({.name = "failing", .description = "Throws input.message", .version = "1"});
  r.add_agent<ThrowingCtor>(
      {.name = "throwing_ctor", .description = "Throws in its constructor", .version = "1"});
  r.add_agent<ThrowingDtor>(
      {.name = "throwing_dtor", .description = "Throws in its destructor", .version = "1"});
  r.add_agent<Chatty>(
      {.name = "chatty",
       .description = "Emits input.count events",
       .version = "1",
       .input_schema = {
           {"properties",
            {{"count", {{"type", "integer"}, {"minimum", 0}, {"maximum", 100000}}}}}}});
  r.add_agent<DbWriter>(
      {.name = "dbwriter", .description = "Inserts input.value into agent_notes", .version = "1"});
  r.add_agent<ToolCaller>(
      {.name = "toolcaller", .description = "Calls testagents.record", .version = "1"});
  r.add_tool({.name = "testagents.record",
              .description = "Returns its input with the calling run's ids",
              .input_schema = {{"type", "object"}}},
             record);
  // A schema of the kind written for models: enum, nested object, array of objects,
  // anyOf. The host checks every call against it before the tool runs.
  r.add_tool(
      {.name = "testagents.forecast",
       .description = "Returns its input (schema: enum, nested, array, anyOf)",
       .input_schema = boost::json::parse(R"({
                "type": "object",
                "properties": {
                  "city": {"type": "string", "minLength": 1},
                  "unit": {"enum": ["celsius", "fahrenheit"]},
                  "where": {"type": "object",
                            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
                            "required": ["lat", "lon"], "additionalProperties": false},
                  "days": {"type": "array", "maxItems": 7,
                           "items": {"type": "object", "properties": {"offset": {"type": "integer"}},
                                     "required": ["offset"]}},
                  "detail": {"anyOf": [{"type": "boolean"}, {"enum": ["hourly", "daily"]}]}
                },
                "required": ["city", "unit"],
                "additionalProperties": false
              })")
                           .as_object()},
      [](const agenthost::ExecutionContext&, const boost::json::value& input) { return input; });
}

}  // namespace

AGENTHOST_PLUGIN("testagents", "1.0.0", register_testagents)
