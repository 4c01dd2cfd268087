#!/usr/bin/env bash
# Sets up, builds and starts agenthostd with the example plugins on its embedded
# default database (a SQLite file under ./data). Stop it with Ctrl-C.
#
# Clients authenticate with a JWT signed by the host's secret. Unless
# AGENTHOST_JWT_SECRET is set, a random one is kept in ./data/jwt-secret; get a
# token for user dev-user with:
#   AGENTHOST_JWT_SECRET=$(cat data/jwt-secret) build/default/host/daemon/agenthostd \
#     --config config/agenthost.yaml --issue-token dev-user
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh default agenthostd agenthost-worker agentctl example_plugins
export AGENTHOST_PLUGIN_DIR="$PWD/build/default/plugins"
export AGENTHOST_DATA_DIR="${AGENTHOST_DATA_DIR:-$PWD/data}"
mkdir -p "$AGENTHOST_DATA_DIR"
if [ -z "${AGENTHOST_JWT_SECRET:-}" ]; then
  secret_file="$AGENTHOST_DATA_DIR/jwt-secret"
  if [ ! -s "$secret_file" ]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$secret_file")
  fi
  AGENTHOST_JWT_SECRET=$(cat "$secret_file")
  export AGENTHOST_JWT_SECRET
fi
echo "run: token for dev-user: export AGENTHOST_TOKEN=$(build/default/host/daemon/agenthostd \
  --config config/agenthost.yaml --issue-token dev-user)" >&2
exec build/default/host/daemon/agenthostd --config config/agenthost.yaml "$@"
