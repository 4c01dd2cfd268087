#pragma once
/// \file
/// The `auth` section as the auth component's options.

#include "auth/auth_options.hpp"
#include "config/auth_section.hpp"

namespace agenthost::daemon {

/// Throws std::invalid_argument (naming the config position) for an API key listed twice.
auth::AuthOptions auth_options(const config::AuthSettings& settings);

}  // namespace agenthost::daemon
