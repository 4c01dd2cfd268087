#pragma once
/// \file
/// Writing events to the events table (internal to the database component).

#include <soci/session.h>

#include <cstdint>
#include <exception>
#include <vector>

#include "events/event.hpp"

namespace agenthost::database {

/// Inserts `events` in one transaction with one prepared statement bound to
/// column vectors. Idempotent: a (run_id, seq) already stored is skipped, so a
/// batch retried after an unclear commit is not stored twice. Returns the rows
/// inserted. Throws the driver's exception; the transaction is then rolled back.
std::uint64_t insert_events(soci::session& sql, const std::vector<const events::Event*>& events);

/// True when the database refused the rows themselves (a constraint, invalid
/// text encoding, a value too large), so retrying the same rows cannot succeed;
/// false for errors of the database or the connection (busy, I/O, lost link).
bool is_refused_row_error(const std::exception& error) noexcept;

}  // namespace agenthost::database
