#pragma once
/// \file
/// Unguessable ids for runs, requests and threads.

#include <string>

namespace agenthost::context {

/// Number of characters in an id returned by random_id(): 128 bits as lowercase hex.
inline constexpr std::size_t kRandomIdLength = 32;

/// Returns 128 random bits as 32 lowercase hex characters, from the kernel's CSPRNG.
/// Thread-safe and cheap: each thread keeps its own buffer of random bytes and refills
/// it with one getrandom() call per 256 ids, so no system call is made per id.
/// Throws std::system_error if the kernel cannot supply random bytes.
std::string random_id();

}  // namespace agenthost::context
