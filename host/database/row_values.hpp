#pragma once
/// \file
/// Reading soci::row columns the same way on SQLite and PostgreSQL, whose drivers
/// report integer columns with different types (internal to the database component).

#include <soci/row.h>

#include <optional>
#include <string>

namespace agenthost::database {

/// Column `i` as a 64-bit integer; throws DatabaseError for NULL or a non-number.
long long int64_column(const soci::row& row, std::size_t i);
/// Column `i` as a 64-bit integer, nullopt for NULL.
std::optional<long long> optional_int64_column(const soci::row& row, std::size_t i);
/// Column `i` as text; throws DatabaseError for NULL.
std::string text_column(const soci::row& row, std::size_t i);
/// Column `i` as text, nullopt for NULL.
std::optional<std::string> optional_text_column(const soci::row& row, std::size_t i);

}  // namespace agenthost::database
