#!/usr/bin/env bash
# Proves a plugin author needs nothing but the installed SDK:
#  1. installs BUILD_DIR (an already built agenthost tree) to a temporary prefix;
#  2. copies the plugin template from the installed SDK (share/agenthost/plugin-template)
#     to a temporary directory and configures it with CMAKE_PREFIX_PATH=<prefix>
#     only (and checks that no build file refers to the host's sources);
#  3. builds it and runs its Catch2 test (the SDK's harness loading greeter.so);
#  4. has the installed agenthostd check the plugin (--check-plugin) and a
#     configuration that loads it with plugin settings (--check-config).
# usage: scripts/test_out_of_tree.sh BUILD_DIR        (CTest runs it as sdk:out_of_tree_plugin)
set -euo pipefail

build_dir=$(realpath "${1:?usage: $0 BUILD_DIR}")
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/agenthost-oot.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/sdk
log() { echo "test_out_of_tree: $*"; }
fail() { echo "test_out_of_tree: FAILED: $*" >&2; exit 1; }

log "installing $build_dir to $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" ||
  { cat "$work/install.log" >&2; fail "cmake --install $build_dir"; }
[ -x "$prefix/bin/agenthostd" ] || fail "the install has no bin/agenthostd"
[ -f "$prefix/lib/cmake/agenthost/agenthostConfig.cmake" ] || fail "the install has no CMake package"

log "building the installed plugin template out of tree"
template=$prefix/share/agenthost/plugin-template
[ -f "$template/CMakeLists.txt" ] || fail "the install has no plugin template"
cp -r "$template" "$work/greeter"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# No CMAKE_BUILD_TYPE on purpose: agenthost_add_plugin must match the SDK's build
# type by itself, or the host refuses the plugin (manifest build_type).
cmake -S "$work/greeter" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "${launcher[@]}" >"$work/configure.log" ||
  { cat "$work/configure.log" >&2; fail "configuring the template against the installed SDK"; }
if grep -q "$source_dir/" "$work/build/compile_commands.json"; then
  fail "the out-of-tree build refers to the host's source tree ($source_dir)"
fi
cmake --build "$work/build" || fail "building the template"
ctest --test-dir "$work/build" --output-on-failure || fail "the template's own tests"

plugin=$work/build/greeter.so
[ -f "$plugin" ] || fail "the build produced no greeter.so"

log "agenthostd --check-plugin"
"$prefix/bin/agenthostd" --check-plugin "$plugin" | tee "$work/check-plugin.txt" ||
  fail "agenthostd --check-plugin refused greeter.so"
grep -q "^plugin greeter 1.0.0 ($plugin) is loadable" "$work/check-plugin.txt" ||
  fail "--check-plugin did not report greeter 1.0.0 as loadable"
grep -q "greeter 1.0.0 \[greeter\]" "$work/check-plugin.txt" || fail "--check-plugin lists no greeter agent"
grep -q "greeter.compose \[greeter\]" "$work/check-plugin.txt" || fail "--check-plugin lists no greeter.compose tool"

log "agenthostd --check-config with greeter.so in the plugin directory"
mkdir "$work/plugins"
cp "$plugin" "$work/plugins/"
cat >"$work/agenthost.yaml" <<YAML
plugins:
  paths: [plugins]
  config:
    greeter:
      greeting: Welcome
YAML
"$prefix/bin/agenthostd" --check-config "$work/agenthost.yaml" | tee "$work/check-config.txt" ||
  fail "agenthostd --check-config refused a configuration loading greeter.so"
grep -q "greeter 1.0.0 ($work/plugins/greeter.so)" "$work/check-config.txt" ||
  fail "--check-config did not load greeter.so"

log "running greeter in the real host: agenthostd serving, agentctl starting a run"
[ -x "$prefix/bin/agentctl" ] || fail "the install has no bin/agentctl"
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$work/serve.yaml" <<YAML
server:
  port: 0
  data_dir: data
plugins:
  paths: [plugins]
  config:
    greeter:
      greeting: Welcome
auth:
  jwt:
    hs256_secret: "$secret"
YAML
"$prefix/bin/agenthostd" --config "$work/serve.yaml" 2>"$work/daemon.log" &
daemon=$!
stop_daemon() { kill -TERM "$daemon" 2>/dev/null && wait "$daemon" || true; }
port=""
for _ in $(seq 1 300); do  # up to 30 s for the daemon to bind (poll its log)
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/daemon.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$daemon" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/daemon.log" >&2; stop_daemon; fail "agenthostd did not start serving"; }
token=$("$prefix/bin/agenthostd" --config "$work/serve.yaml" --issue-token oot-user)
if ! "$prefix/bin/agentctl" --url "http://127.0.0.1:$port" --token "$token" run greeter \
    --input '{"names": ["Ada", "Linus"]}' >"$work/run.txt" 2>&1; then
  cat "$work/run.txt" "$work/daemon.log" >&2
  stop_daemon
  fail "the greeter run did not complete in the real host"
fi
cat "$work/run.txt"
grep -q "agent_completed" "$work/run.txt" || { stop_daemon; fail "no agent_completed event"; }
grep -q "Welcome, Ada!" "$work/run.txt" || { stop_daemon; fail "the result lacks the configured greeting"; }
kill -TERM "$daemon"
wait "$daemon" || fail "agenthostd did not exit 0 on SIGTERM"

# A plugin setting greeter refuses must stop the host from starting.
sed -i 's/greeting: Welcome/greting: Welcome/' "$work/agenthost.yaml"
if "$prefix/bin/agenthostd" --check-config "$work/agenthost.yaml" >"$work/bad.txt" 2>&1; then
  fail "--check-config accepted a greeter configuration the plugin refuses"
fi
grep -q "greeter plugin_config must be" "$work/bad.txt" ||
  { cat "$work/bad.txt" >&2; fail "--check-config did not give greeter's own message"; }

log "passed"
