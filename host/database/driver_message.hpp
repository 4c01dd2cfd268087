#pragma once
/// \file
/// driver_message: the driver's own reason for a failure, without the statement
/// context SOCI appends (which quotes bound values, i.e. users' data) (internal to
/// the database component).

#include <soci/error.h>

#include <exception>
#include <string>

namespace agenthost::database {

inline std::string driver_message(const std::exception& error) {
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error))
    return soci_error->get_error_message();
  return error.what();
}

}  // namespace agenthost::database
