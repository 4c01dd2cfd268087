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

/// Returns an id of the same shape (32 lowercase hex characters) whose first 12 are
/// the milliseconds since the Unix epoch, the next 4 a counter and the other 16 are
/// 64 random bits: ids this process makes are strictly increasing (and later ones sort
/// after earlier ones), and are still unguessable. For rows' keys (runs, threads): a
/// B-tree index of random keys dirties a random page per insert, so every commit
/// writes (and a small page cache re-reads) as many pages as it has rows; keys in
/// creation order share the index's rightmost pages. Thread-safe; throws as random_id().
std::string time_ordered_id();

}  // namespace agenthost::context
