#pragma once
/// \file
/// DatabaseError: every failure of the database component. Messages name the
/// database by its masked URL (never a password), the run or user concerned, and
/// what to do next.

#include <stdexcept>
#include <string>

namespace agenthost::database {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A user asked for a thread or run that belongs to another user, or (insert_run)
/// named a thread that does not exist: clients are told the same for both. The
/// message never names the other user.
class OwnershipError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

}  // namespace agenthost::database
