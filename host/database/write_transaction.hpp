#pragma once
/// \file
/// WriteTransaction: the transaction for every host write. On SQLite it begins with
/// BEGIN IMMEDIATE, taking the write lock up front. A deferred transaction that
/// reads and then writes must upgrade its lock, and in WAL mode SQLite refuses that
/// upgrade at once ("database is locked", without waiting busy_timeout) whenever
/// another connection wrote in between; under load that refused one run in a
/// hundred. Waiting for the lock at BEGIN honours busy_timeout instead.

#include <soci/session.h>

namespace agenthost::database {

class WriteTransaction {
 public:
  /// Begins the transaction. Throws soci::soci_error when it cannot.
  explicit WriteTransaction(soci::session& sql);
  /// Rolls back unless commit() was called; never throws.
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit();

 private:
  soci::session& sql_;
  bool open_ = true;
};

}  // namespace agenthost::database
