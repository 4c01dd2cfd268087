#include "database/write_transaction.hpp"

namespace agenthost::database {

WriteTransaction::WriteTransaction(soci::session& sql) : sql_(sql) {
  if (sql_.get_backend_name() == "sqlite3") {
    sql_ << "BEGIN IMMEDIATE";
  } else {
    sql_.begin();
  }
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    sql_.rollback();
  } catch (...) {  // NOLINT(bugprone-empty-catch): the connection is reset by the pool
  }
}

void WriteTransaction::commit() {
  sql_.commit();
  open_ = false;
}

}  // namespace agenthost::database
