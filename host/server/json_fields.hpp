#pragma once
/// \file
/// JsonFields: reads the members of one JSON object (a request body or a client
/// frame) by name and type, and refuses unknown members, so that every malformed
/// input gets an ApiError naming the field and what is wrong with it. Internal.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "server/api_error.hpp"

namespace agenthost::server {

/// At most `max_bytes` of `text`, cut back to a UTF-8 character boundary: client text
/// quoted in an error message must stay valid UTF-8 (a WebSocket text frame that is
/// not is closed by the peer with 1007).
std::string utf8_prefix(std::string_view text, std::size_t max_bytes);

class JsonFields {
 public:
  /// `what` names the object in messages: "request body", "start_run frame".
  JsonFields(const boost::json::object& object, std::string_view what)
      : object_(object), what_(what) {}

  /// The value of `name`, or nullptr when absent.
  const boost::json::value* find(std::string_view name) const noexcept {
    return object_.if_contains(name);
  }

  /// A required string member that is a valid id (agenthost::id_problem).
  std::optional<ApiError> required_id(std::string_view name, std::string& out) const;
  /// An optional id member; `out` stays empty when absent. null counts as absent.
  std::optional<ApiError> optional_id(std::string_view name, std::optional<std::string>& out) const;
  /// A required non-empty string of at most `max_length` bytes.
  std::optional<ApiError> required_string(std::string_view name, std::size_t max_length,
                                          std::string& out) const;
  /// An optional non-negative integer (JSON integer, not 1.0 or "1").
  std::optional<ApiError> optional_count(std::string_view name, std::uint64_t& out) const;

  /// An error for the first member not in `allowed`, naming the allowed ones.
  std::optional<ApiError> refuse_unknown(std::initializer_list<std::string_view> allowed) const;

  ApiError missing(std::string_view name) const;
  ApiError invalid(std::string_view name, std::string_view problem) const;

 private:
  const boost::json::object& object_;
  std::string what_;
};

}  // namespace agenthost::server
