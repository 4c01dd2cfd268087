#pragma once
/// \file
/// Parsing and masking of database URLs (internal to the database component).

#include <filesystem>
#include <string>
#include <vector>

namespace agenthost::database {

/// A database URL taken apart: which SOCI backend, what to hand it, and how to
/// name the database in messages.
struct DatabaseUrl {
  std::string backend;                ///< "sqlite3" or "postgresql"
  std::string connect_string;         ///< for soci::session: db="..." or libpq key='value' pairs
  std::string masked;                 ///< the URL with any password replaced by "***"
  std::vector<std::string> secrets;   ///< passwords in the URL, to scrub from driver messages
  std::filesystem::path sqlite_path;  ///< SQLite only: the absolute file path
};

/// Throws DatabaseError for an empty or unsupported URL (the message shows the
/// masked URL and the accepted forms).
DatabaseUrl parse_database_url(const std::string& url);

/// `url` with the password of "scheme://user:pw@host" and any "password=" query or
/// keyword value replaced by "***".
std::string mask_database_url(const std::string& url);

/// `message` with every occurrence of each secret (as written and percent-decoded)
/// replaced by "***": driver messages may quote the connection string.
std::string scrub_secrets(std::string message, const std::vector<std::string>& secrets);

}  // namespace agenthost::database
