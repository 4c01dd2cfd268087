#pragma once
/// \file
/// JSON pointers (RFC 6901) as the schema component writes them in its errors.

#include <string>
#include <string_view>

namespace agenthost::schema {

/// `pointer` + "/" + `token`, with "~" and "/" in the token escaped.
std::string append_pointer(std::string_view pointer, std::string_view token);

/// The JSON pointer of a `$ref` fragment ("#/definitions/a%25b" -> "/definitions/a%b"),
/// or "" with `ok` false when the fragment is not a pointer ("#name").
std::string fragment_pointer(std::string_view fragment, bool& ok);

}  // namespace agenthost::schema
