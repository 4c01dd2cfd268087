#pragma once
/// \file
/// The SDK's ABI version. A plugin records the version it was built against in its
/// manifest; the host accepts it when the majors are equal and the plugin's minor is
/// not newer than the host's (see docs/plugin-guide.md, "ABI and versioning").

#include <cstdint>

namespace agenthost {

/// Bumped on any change that breaks binary compatibility (a virtual function added
/// to an SDK interface, a member added to an SDK struct, a signature changed).
inline constexpr std::uint32_t kSdkAbiMajor = 3;
/// Bumped on additions an older plugin cannot see (a new non-virtual helper, a new
/// header). A plugin built against minor N runs on every host with minor >= N.
inline constexpr std::uint32_t kSdkAbiMinor = 0;

}  // namespace agenthost
