#include "database/event_rows.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/json/serialize.hpp>

#include <string>

#include "database/time_columns.hpp"
#include "database/write_transaction.hpp"

namespace agenthost::database {

std::uint64_t insert_events(soci::session& sql, const std::vector<const events::Event*>& events) {
  if (events.empty()) return 0;
  std::vector<std::string> run_ids, user_ids, thread_ids, types, agent_names, payloads;
  std::vector<long long> seqs, timestamps;
  for (auto* column : {&run_ids, &user_ids, &thread_ids, &types, &agent_names, &payloads})
    column->reserve(events.size());
  seqs.reserve(events.size());
  timestamps.reserve(events.size());
  for (const auto* event : events) {
    run_ids.push_back(event->run_id);
    seqs.push_back(static_cast<long long>(event->seq));
    user_ids.push_back(event->user_id);
    thread_ids.push_back(event->thread_id);
    types.push_back(event->type);
    agent_names.push_back(event->agent_name);
    timestamps.push_back(to_epoch_ms(event->timestamp));
    payloads.push_back(boost::json::serialize(event->payload));
  }
  WriteTransaction tx(sql);
  soci::statement st =
      (sql.prepare << "INSERT INTO events"
                      " (run_id, seq, user_id, thread_id, type, agent_name, timestamp, payload)"
                      " VALUES (:run_id, :seq, :user_id, :thread_id, :type, :agent_name,"
                      " :timestamp, :payload)"
                      " ON CONFLICT (run_id, seq) DO NOTHING",
       soci::use(run_ids), soci::use(seqs), soci::use(user_ids), soci::use(thread_ids),
       soci::use(types), soci::use(agent_names), soci::use(timestamps), soci::use(payloads));
  st.execute(true);
  const long long inserted = st.get_affected_rows();
  tx.commit();
  return inserted > 0 ? static_cast<std::uint64_t>(inserted) : 0;
}

bool is_refused_row_error(const std::exception& error) noexcept {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    // SQLSTATE classes: 22 data exception (e.g. invalid UTF-8), 23 integrity
    // constraint violation, 54 program limit exceeded (a value too large).
    const std::string state = pg->sqlstate();
    const std::string cls = state.substr(0, 2);
    return cls == "22" || cls == "23" || cls == "54";
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    const int primary = lite->result() & 0xff;
    return primary == SQLITE_CONSTRAINT || primary == SQLITE_TOOBIG || primary == SQLITE_MISMATCH;
  }
  return false;
}

}  // namespace agenthost::database
