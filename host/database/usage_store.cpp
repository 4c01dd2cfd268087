#include "database/usage_store.hpp"

#include <soci/soci.h>

#include "database/guarded_session.hpp"
#include "database/write_transaction.hpp"

namespace agenthost::database {
namespace {

std::map<std::string, TokenTotals> read_by_endpoint(soci::session& sql, const std::string& where,
                                                    const std::string& key, long long day) {
  std::map<std::string, TokenTotals> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT endpoint, SUM(prompt_tokens), SUM(completion_tokens), SUM(calls),"
                      " MAX(estimated) FROM model_usage WHERE " +
                          where + " GROUP BY endpoint",
       soci::use(key), soci::use(day));
  for (const auto& row : rows) {
    // What SUM returns differs between the backends (BIGINT on SQLite, NUMERIC on
    // PostgreSQL, which SOCI reads as a double or as text).
    auto number = [&](std::size_t i) -> std::uint64_t {
      switch (row.get_properties(i).get_data_type()) {
        case soci::dt_long_long:
          return static_cast<std::uint64_t>(row.get<long long>(i));
        case soci::dt_unsigned_long_long:
          return row.get<unsigned long long>(i);
        case soci::dt_integer:
          return static_cast<std::uint64_t>(row.get<int>(i));
        case soci::dt_double:
          return static_cast<std::uint64_t>(row.get<double>(i));
        default:
          return static_cast<std::uint64_t>(std::stoull(row.get<std::string>(i)));
      }
    };
    TokenTotals t{number(1), number(2), number(3), number(4) != 0};
    out[row.get<std::string>(0)] = t;
  }
  return out;
}

}  // namespace

void UsageStore::add(const std::string& run_id, const std::string& user_id,
                     const std::string& endpoint, std::int64_t day, const TokenTotals& call) {
  with_leased_session(
      manager_, "recording the model usage of run '" + run_id + "'", [&](soci::session& sql) {
        WriteTransaction tx(sql);
        long long d = day;
        long long prompt = static_cast<long long>(call.prompt_tokens);
        long long completion = static_cast<long long>(call.completion_tokens);
        long long calls = static_cast<long long>(call.calls);
        int estimated = call.estimated ? 1 : 0;
        // Portable upsert: SQLite (3.24+) and PostgreSQL both take it.
        sql << "INSERT INTO model_usage (run_id, endpoint, day, user_id,"
               " prompt_tokens, completion_tokens, calls, estimated)"
               " VALUES (:r, :e, :d, :u, :p, :c, :n, :x)"
               " ON CONFLICT (run_id, endpoint, day) DO UPDATE SET"
               " prompt_tokens = model_usage.prompt_tokens + excluded.prompt_tokens,"
               " completion_tokens = model_usage.completion_tokens +"
               " excluded.completion_tokens,"
               " calls = model_usage.calls + excluded.calls,"
               " estimated = CASE WHEN excluded.estimated > model_usage.estimated"
               " THEN excluded.estimated ELSE model_usage.estimated END",
            soci::use(run_id), soci::use(endpoint), soci::use(d), soci::use(user_id),
            soci::use(prompt), soci::use(completion), soci::use(calls), soci::use(estimated);
        tx.commit();
      });
}

std::map<std::string, TokenTotals> UsageStore::of_run(const std::string& run_id) {
  return with_leased_session(manager_, "reading the model usage of run '" + run_id + "'",
                             [&](soci::session& sql) {
                               return read_by_endpoint(sql, "run_id = :r AND day >= :d", run_id, 0);
                             });
}

std::map<std::string, TokenTotals> UsageStore::of_user_since(const std::string& user_id,
                                                             std::int64_t first_day) {
  return with_leased_session(
      manager_, "reading the model usage of user '" + user_id + "'", [&](soci::session& sql) {
        return read_by_endpoint(sql, "user_id = :u AND day >= :d", user_id, first_day);
      });
}

}  // namespace agenthost::database
