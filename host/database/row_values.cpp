#include "database/row_values.hpp"

#include <soci/soci.h>

#include "database/database_error.hpp"

namespace agenthost::database {
namespace {

std::string column_name(const soci::row& row, std::size_t i) {
  return row.get_properties(i).get_name();
}

}  // namespace

std::optional<long long> optional_int64_column(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return row.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(row.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(row.get<double>(i));
    case soci::dt_string:
      try {
        return std::stoll(row.get<std::string>(i));
      } catch (const std::exception&) {
      }
      break;
    default:
      break;
  }
  throw DatabaseError("column '" + column_name(row, i) + "' does not hold an integer");
}

long long int64_column(const soci::row& row, std::size_t i) {
  auto value = optional_int64_column(row, i);
  if (!value) throw DatabaseError("column '" + column_name(row, i) + "' is unexpectedly NULL");
  return *value;
}

std::optional<std::string> optional_text_column(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  return row.get<std::string>(i);
}

std::string text_column(const soci::row& row, std::size_t i) {
  auto value = optional_text_column(row, i);
  if (!value) throw DatabaseError("column '" + column_name(row, i) + "' is unexpectedly NULL");
  return *value;
}

}  // namespace agenthost::database
