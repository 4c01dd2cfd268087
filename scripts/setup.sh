#!/usr/bin/env bash
# Installs every Debian 12 package agenthost needs to build, test and run.
# Idempotent: installs only what is missing, and says nothing when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-all-dev libboost-json1.81-dev
  libyaml-cpp-dev libsoci-dev libsqlite3-dev libpq-dev
  libspdlog-dev libfmt-dev catch2
  libjwt-dev libsystemd-dev libssl-dev
  libbenchmark-dev libgoogle-perftools-dev
  libvalijson-dev libre2-dev json-schema-test-suite
  postgresql clang libclang-rt-14-dev
  python3-websockets
  openssl ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
