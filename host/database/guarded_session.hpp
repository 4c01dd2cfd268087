#pragma once
/// \file
/// with_leased_session: runs one piece of host SQL on a leased session and turns
/// driver errors into DatabaseError (internal to the database component).

#include <soci/soci.h>

#include <string>
#include <utility>

#include "database/database_session_manager.hpp"
#include "database/driver_message.hpp"

namespace agenthost::database {

/// Calls `body(soci::session&)` on a fresh lease. A driver error becomes
/// DatabaseError("<what>: <reason>"); a session whose connection broke is discarded
/// so the pool reopens it.
template <class Body>
auto with_leased_session(DatabaseSessionManager& manager, const std::string& what, Body&& body) {
  auto lease = manager.acquire();
  try {
    return std::forward<Body>(body)(lease.session());
  } catch (const DatabaseError&) {
    throw;
  } catch (const soci::soci_error& e) {
    if (e.get_error_category() == soci::soci_error::connection_error ||
        !lease.session().is_connected())
      lease.discard();
    throw DatabaseError(what + " failed on '" + manager.masked_url() + "': " + driver_message(e));
  }
}

}  // namespace agenthost::database
