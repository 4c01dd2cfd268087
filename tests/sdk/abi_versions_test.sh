#!/usr/bin/env bash
# The ABI and versioning policy (docs/plugin-guide.md, "ABI and versioning") on real
# builds. An SDK of another ABI version is simulated by a copy of this build's
# installed SDK with its version edited (agenthost/sdk_version.hpp and the CMake
# package version); the plugin template it installs is built against it and handed
# to this build's agenthostd, whose SDK is MAJOR.MINOR:
#  - a project asking for SDK MAJOR.(MINOR+1) does not configure against MAJOR.MINOR;
#  - a plugin built with SDK MAJOR.(MINOR+1) builds, and the host refuses it (abi_minor);
#  - SDK (MAJOR+1).0 does not satisfy find_package(agenthost MAJOR.0); a plugin built
#    with it anyway is refused by the host (abi_major);
#  - a plugin built with the host's own SDK is accepted.
# (A plugin from an older minor of the same major is accepted: that needs a host
# newer than its SDK, so tests/plugin_loader checks it on manifests.)
# usage: tests/sdk/abi_versions_test.sh BUILD_DIR        (CTest: sdk:abi_versions)
set -euo pipefail

build_dir=$(realpath "${1:?usage: $0 BUILD_DIR}")
work=$(mktemp -d /tmp/agenthost-abi.XXXXXX)
trap 'rm -rf "$work"' EXIT
log() { echo "abi_versions: $*"; }
fail() { echo "abi_versions: FAILED: $*" >&2; exit 1; }

cmake --install "$build_dir" --prefix "$work/sdk" >"$work/install.log" ||
  { cat "$work/install.log" >&2; fail "cmake --install $build_dir"; }
host=$work/sdk/bin/agenthostd
header=include/agenthost/sdk_version.hpp
major=$(sed -n 's/.*kSdkAbiMajor = \([0-9][0-9]*\);.*/\1/p' "$work/sdk/$header")
minor=$(sed -n 's/.*kSdkAbiMinor = \([0-9][0-9]*\);.*/\1/p' "$work/sdk/$header")
[ -n "$major" ] && [ -n "$minor" ] || fail "cannot read the SDK version from $header"
log "host and installed SDK: $major.$minor"

# sdk_copy NAME MAJOR MINOR: the installed SDK, claiming to be MAJOR.MINOR.
sdk_copy() {
  cp -r "$work/sdk" "$work/$1"
  sed -i "s/kSdkAbiMajor = [0-9]*;/kSdkAbiMajor = $2;/; s/kSdkAbiMinor = [0-9]*;/kSdkAbiMinor = $3;/" \
    "$work/$1/$header"
  # The generated version file spells the version out in several places.
  sed -i "s/\"$major\.$minor\"/\"$2.$3\"/g" "$work/$1/lib/cmake/agenthost/agenthostConfigVersion.cmake"
  grep -q "^set(PACKAGE_VERSION \"$2.$3\")" "$work/$1/lib/cmake/agenthost/agenthostConfigVersion.cmake" ||
    fail "could not edit the package version of the SDK copy $1"
  grep -q "kSdkAbiMajor = $2;" "$work/$1/$header" || fail "could not edit the SDK copy $1"
}

# project NAME REQUESTED: the installed plugin template asking find_package for version REQUESTED
# ("" for none).
project() {
  cp -r "$work/sdk/share/agenthost/plugin-template" "$work/$1"
  sed -i "s/^find_package(agenthost [0-9.]* CONFIG REQUIRED)/find_package(agenthost $2 CONFIG REQUIRED)/" \
    "$work/$1/CMakeLists.txt"
  grep -q "^find_package(agenthost $2 *CONFIG REQUIRED)" "$work/$1/CMakeLists.txt" ||
    fail "could not edit the template's find_package"
}

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# configure PROJECT SDK: configures the plugin only (no tests).
configure() {
  cmake -S "$work/$1" -B "$work/$1-build" -G Ninja -DCMAKE_PREFIX_PATH="$work/$2" \
    -DBUILD_TESTING=OFF "${launcher[@]}" >"$work/$1.log" 2>&1
}
build() {
  configure "$1" "$2" || { cat "$work/$1.log" >&2; fail "configuring $1 against $2"; }
  cmake --build "$work/$1-build" >>"$work/$1.log" 2>&1 ||
    { cat "$work/$1.log" >&2; fail "building $1 against $2"; }
}
# refused PROJECT EXPECTED: agenthostd --check-plugin refuses PROJECT's greeter.so saying EXPECTED.
refused() {
  if "$host" --check-plugin "$work/$1-build/greeter.so" >"$work/$1.check" 2>&1; then
    fail "agenthostd accepted $1's plugin"
  fi
  grep -qF "$2" "$work/$1.check" || { cat "$work/$1.check" >&2; fail "$1: expected \"$2\""; }
  log "$1: refused: $(grep -F "$2" "$work/$1.check")"
}

newer_minor=$((minor + 1))
newer_major=$((major + 1))
sdk_copy sdk-newer-minor "$major" "$newer_minor"
sdk_copy sdk-newer-major "$newer_major" 0

log "a project needing SDK $major.$newer_minor does not configure against SDK $major.$minor"
project needs-newer-minor "$major.$newer_minor"
if configure needs-newer-minor sdk; then fail "find_package($major.$newer_minor) accepted SDK $major.$minor"; fi
grep -q "$major.$minor" "$work/needs-newer-minor.log" || fail "CMake's refusal does not name SDK $major.$minor"

log "a plugin built with SDK $major.$newer_minor is refused by a $major.$minor host"
project newer-minor "$major.0"
build newer-minor sdk-newer-minor
refused newer-minor "abi_minor is $newer_minor, this host needs at most $minor"

log "SDK $newer_major.0 does not satisfy find_package(agenthost $major.0)"
project wants-major "$major.0"
if configure wants-major sdk-newer-major; then fail "find_package($major.0) accepted SDK $newer_major.0"; fi
grep -q "$newer_major.0" "$work/wants-major.log" || fail "CMake's refusal does not name SDK $newer_major.0"

log "a plugin built with SDK $newer_major.0 anyway is refused by the host"
project newer-major ""
build newer-major sdk-newer-major
refused newer-major "abi_major is $newer_major, this host needs $major"

log "a plugin built with the host's own SDK $major.$minor is accepted"
project same "$major.$minor"
build same sdk
"$host" --check-plugin "$work/same-build/greeter.so" >"$work/same.check" 2>&1 ||
  { cat "$work/same.check" >&2; fail "the host refused a plugin built with its own SDK"; }

log "passed"
