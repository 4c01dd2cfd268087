#!/usr/bin/env bash
# Sets up, builds and starts agenthostd with the example plugins on its embedded
# default database (a SQLite file under ./data). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh default agenthostd agentctl echo triage
export AGENTHOST_PLUGIN_DIR="$PWD/build/default/plugins"
export AGENTHOST_DATA_DIR="${AGENTHOST_DATA_DIR:-$PWD/data}"
exec build/default/host/daemon/agenthostd --config config/agenthost.yaml "$@"
