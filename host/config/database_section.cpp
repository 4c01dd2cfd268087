#include "config/database_section.hpp"

#include <filesystem>

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr std::string_view kPostgresPrefix = "postgresql://";
constexpr std::string_view kSqliteMemory = ":memory:";
constexpr std::string_view kAcceptedForms =
    "use 'sqlite:PATH' (PATH relative to the config file's directory) or "
    "'postgresql://user:password@host:port/dbname'";

// Never echoes the URL: it may carry a password.
void read_database_url(const ValueRef& value, std::string& out, LoadContext& ctx) {
  const auto url = read_string(value, ctx);
  if (!url) return;
  if (url->empty()) {
    out.clear();
    return;
  }
  if (url->starts_with(kSqlitePrefix)) {
    const std::string path = url->substr(kSqlitePrefix.size());
    if (path.empty()) {
      ctx.report(value, "'sqlite:' without a file path; " + std::string(kAcceptedForms));
      return;
    }
    out = std::string(kSqlitePrefix) + (path == kSqliteMemory ? path : ctx.resolve_path(path));
    return;
  }
  if (url->starts_with(kPostgresPrefix) && url->size() > kPostgresPrefix.size()) {
    out = *url;
    return;
  }
  const auto colon = url->find(':');
  const std::string scheme = colon == std::string::npos ? std::string("no scheme")
                                                        : "scheme '" + url->substr(0, colon) + "'";
  ctx.report(value, "unsupported database URL (" + scheme + "); " + std::string(kAcceptedForms));
}

void read_url(const ValueRef& value, DatabaseSettings& out, LoadContext& ctx) {
  read_database_url(value, out.url, ctx);
}

void read_agent_url(const ValueRef& value, DatabaseSettings& out, LoadContext& ctx) {
  read_database_url(value, out.agent_url, ctx);
}

FieldDoc agent_url_doc() {
  FieldDoc doc;
  doc.key = "agent_url";
  doc.type = "string";
  doc.default_value = "\"\"";
  doc.allowed = "`sqlite:PATH` or `postgresql://...`";
  doc.description =
      "Database for agents' own tables (their `db()` sessions); empty means, for a SQLite `url`, "
      "`agent-data.db` beside it (SQLite has one writer at a time: agents then never hold up "
      "the host's event storage, and so the delivery of events, which follows it; nor can "
      "they read its tables), for PostgreSQL `url` itself "
      "(give agents a database and role of their own to keep them out of the host's tables).";
  return doc;
}

FieldDoc url_doc() {
  FieldDoc doc;
  doc.key = "url";
  doc.type = "string";
  doc.default_value = "\"\"";
  doc.allowed = "`sqlite:PATH` or `postgresql://...`";
  doc.description =
      "Database to use; empty means `sqlite:<data_dir>/agenthost.db`. A relative SQLite `PATH` "
      "is taken from the config file's directory; `${VAR}` keeps passwords out of the file.";
  return doc;
}

}  // namespace

const ObjectSchema<DatabaseSettings>& database_schema() {
  static const ObjectSchema<DatabaseSettings> schema{
      "Where the host keeps users' data: SQLite for one machine, PostgreSQL for more.",
      {
          custom_field(url_doc(), read_url, &DatabaseSettings::url).restart(),
          custom_field(agent_url_doc(), read_agent_url, &DatabaseSettings::agent_url).restart(),
          field("pool_size", &DatabaseSettings::pool_size,
                "Sessions for agents, leased at first use: for a scoped transaction, or for a "
                "run's whole run-level transaction (the host keeps 4 more for its own records).",
                range(1, 256))
              .restart(),
          field("max_sessions_per_user", &DatabaseSettings::max_sessions_per_user,
                "Agent sessions one user's runs may hold at once; more of that user's runs wait "
                "in line while other users' are served (at most pool_size).",
                range(1, 256))
              .restart(),
          field("busy_timeout", &DatabaseSettings::busy_timeout,
                "How long a statement waits for a locked database before it fails.",
                range(std::chrono::milliseconds(0), std::chrono::hours(1)))
              .restart(),
      }};
  return schema;
}

std::string complete_database_url(const std::string& url, const std::string& data_dir) {
  if (!url.empty()) return url;
  return std::string(kSqlitePrefix) + (std::filesystem::path(data_dir) / "agenthost.db").string();
}

std::string complete_agent_database_url(const std::string& agent_url, const std::string& url) {
  if (!agent_url.empty()) return agent_url;
  if (!url.starts_with(kSqlitePrefix)) return url;
  const std::filesystem::path path = url.substr(kSqlitePrefix.size());
  if (path == kSqliteMemory) return url;
  return std::string(kSqlitePrefix) + (path.parent_path() / "agent-data.db").string();
}

}  // namespace agenthost::config
