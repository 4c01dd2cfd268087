#!/usr/bin/env bash
# The Debian package, end to end without installing it on this machine:
#  1. cpack builds the packages of BUILD_DIR (agenthost and agenthost-dev) into a
#     temp dir (BUILD_DIR must be built: ninja, or cmake --build);
#  2. control data: names, Depends (the libraries the brief names, and every
#     library the unpacked binaries need is covered by a Depends entry), the
#     maintainer scripts (valid sh; postinst creates the system user), conffiles;
#  3. dpkg -x unpacks agenthost into a staging root; the layout is checked, the unit
#     file verified with systemd-analyze (when present), and the unpacked agenthostd
#     runs --check-config on the unpacked configuration with the unpacked plugins;
#  4. the unpacked daemon serves on port 0: when it logs "listening on", /healthz must
#     answer 200 (and /metrics, when served, parse as Prometheus text); SIGTERM must
#     stop it with status 0.
# usage: tests/packaging/test_deb.sh BUILD_DIR        (CTest: packaging:deb)
# Exit 77 (skipped) when dpkg-deb or cpack is missing.
set -euo pipefail

build_dir=$(realpath "${1:?usage: $0 BUILD_DIR}")
log() { echo "test_deb: $*"; }
fail() { echo "test_deb: FAILED: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg readelf; do
  command -v "$tool" >/dev/null || { log "SKIPPED: $tool is not installed"; exit 77; }
done

work=$(mktemp -d /tmp/agenthost-deb.XXXXXX)
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ]; then kill -KILL "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- 1. build ----------------------------------------------------------------------
[ -f "$build_dir/CPackConfig.cmake" ] || fail "$build_dir/CPackConfig.cmake missing: configure first"
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB (is $build_dir fully built?)"; }
shopt -s nullglob
debs=("$work"/out/agenthost_*.deb)
dev_debs=("$work"/out/agenthost-dev_*.deb)
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] || fail "expected one agenthost_*.deb, got: $(ls "$work/out")"
[ ${#dev_debs[@]} -eq 1 ] || fail "expected one agenthost-dev_*.deb, got: $(ls "$work/out")"
deb=${debs[0]}
dev=${dev_debs[0]}
log "built $(basename "$deb") and $(basename "$dev")"

# ---- 2. control data ---------------------------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
# Package names of a Depends field, one per line (versions and alternatives dropped).
dep_names() { tr ',|' '\n\n' <<<"$1" | sed 's/(.*)//; s/[[:space:]]//g' | grep -v '^$'; }

[ "$(field "$deb" Package)" = agenthost ] || fail "Package is '$(field "$deb" Package)'"
[ "$(field "$dev" Package)" = agenthost-dev ] || fail "dev Package is '$(field "$dev" Package)'"
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build_dir/CPackConfig.cmake")
case "$(field "$deb" Version)" in
  "$version"-*) ;;
  *) fail "Version '$(field "$deb" Version)' is not $version-<revision>" ;;
esac
[ "$(field "$deb" Architecture)" = "$(dpkg --print-architecture)" ] ||
  fail "Architecture is '$(field "$deb" Architecture)'"
[ -n "$(field "$deb" Maintainer)" ] || fail "no Maintainer"
depends=$(field "$deb" Depends)
[ -n "$depends" ] || fail "agenthost declares no Depends"
log "Depends: $depends"
names=$(dep_names "$depends")
for p in libboost-json1.81.0 libboost-filesystem1.81.0 libyaml-cpp0.7 libsoci-core4.0 \
         libsoci-sqlite3-4.0 libsoci-postgresql4.0 libspdlog1.10 libfmt9 libjwt0 libsystemd0 \
         libpq5 libsqlite3-0 adduser; do
  grep -qx "$p" <<<"$names" || fail "Depends lacks $p"
done
# CVE-2024-25189: the libjwt0 the host may run with is the fixed one.
grep -q 'libjwt0 (>= 1.10.2-1+deb12u1)' <<<"$depends" ||
  fail "Depends does not require libjwt0 >= 1.10.2-1+deb12u1 (CVE-2024-25189): $depends"
grep -qx libboost-json1.81-dev <<<"$(dep_names "$(field "$dev" Depends)")" ||
  fail "agenthost-dev Depends lacks the SDK's build dependencies: $(field "$dev" Depends)"

dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "control member $script missing or not executable"
  sh -n "$work/control/$script" || fail "$script is not valid sh"
done
grep -q 'adduser --system --group --home /var/lib/agenthost' "$work/control/postinst" ||
  fail "postinst does not create the system user agenthost"
grep -q 'install -d -m 0750 -o agenthost -g agenthost /var/lib/agenthost' "$work/control/postinst" ||
  fail "postinst does not create the data directory"
grep -qx /etc/agenthost/agenthost.yaml "$work/control/conffiles" ||
  fail "conffiles lacks /etc/agenthost/agenthost.yaml"

# ---- 3. unpack, layout, unit, --check-config ------------------------------------------
root=$work/root
dpkg -x "$deb" "$root"
while read -r conffile; do
  [ -f "$root$conffile" ] || fail "conffile $conffile is not in the package"
done <"$work/control/conffiles"
daemon=$root/usr/bin/agenthostd
plugin_dir=$root/usr/lib/agenthost/plugins
unit=$root/usr/lib/systemd/system/agenthost.service
for f in "$daemon" "$plugin_dir/echo.so" "$plugin_dir/triage.so" "$plugin_dir/approval.so" \
         "$plugin_dir/assistant.so" \
         "$root/etc/agenthost/agenthost.yaml" "$unit"; do
  [ -f "$f" ] || fail "${f#"$root"} is not in the package; contents: $(cd "$root" && find . -type f | sort | tr '\n' ' ')"
done
grep -qx 'LimitNOFILE=65536' "$unit" ||
  fail "the unit does not raise LimitNOFILE (docs/operations.md sizes it)"
[ ! -e "$root/usr/etc" ] || fail "the package has /usr/etc; configuration belongs in /etc"
[ ! -e "$root/usr/include" ] || fail "SDK headers belong in agenthost-dev, not agenthost"
dpkg-deb -c "$dev" >"$work/dev-contents.txt"
grep -q './usr/include/agenthost/agent.hpp' "$work/dev-contents.txt" || fail "agenthost-dev lacks the SDK headers"

# Every library the binaries load directly comes from a package agenthost depends on,
# and no binary looks for libraries in the build tree.
elves=("$daemon" "$plugin_dir"/*.so)
for elf in "${elves[@]}"; do
  dynamic=$(readelf -d "$elf")
  if grep -E '\((RPATH|RUNPATH)\)' <<<"$dynamic" | grep -q "$build_dir"; then
    fail "${elf#"$root"} has a run path into the build tree"
  fi
  resolved=$(ldd "$elf")
  for soname in $(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dynamic"); do
    path=$(awk -v s="$soname" '$1 == s && $2 == "=>" {print $3}' <<<"$resolved")
    [ -n "$path" ] || path=$(awk -v s="$soname" 'index($1, s) {print $1}' <<<"$resolved" | head -1)
    [ -n "$path" ] || fail "${elf#"$root"} needs $soname, which ldd cannot find"
    owner=
    for candidate in "$path" "$(realpath "$path")" "${path#/usr}" "/usr${path}"; do
      owner=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$owner" ] && break
    done
    [ -n "$owner" ] || fail "no installed package owns $path (needed by ${elf#"$root"})"
    grep -qx "$owner" <<<"$names" ||
      fail "${elf#"$root"} needs $soname from $owner, which is not in Depends"
  done
done
log "every NEEDED library of $(( ${#elves[@]} )) binaries is covered by Depends"

if command -v systemd-analyze >/dev/null; then
  # verify wants ExecStart to exist: point it at the unpacked daemon.
  mkdir -p "$work/unit"
  sed "s#^ExecStart=/usr/bin/agenthostd#ExecStart=$daemon#" "$unit" >"$work/unit/agenthost.service"
  systemd-analyze verify "$work/unit/agenthost.service" >"$work/verify.log" 2>&1 ||
    { cat "$work/verify.log" >&2; fail "systemd-analyze verify agenthost.service"; }
  log "systemd-analyze verify: unit is valid"
else
  log "systemd-analyze not installed: unit not verified"
fi

# The unit's environment, pointed into the staging root; and no systemd of ours (a
# CI job run as a service would otherwise receive the daemon's READY=1).
unset NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID
export AGENTHOST_PLUGIN_DIR=$plugin_dir
export AGENTHOST_DATA_DIR=$work/data
"$daemon" --check-config "$root/etc/agenthost/agenthost.yaml" >"$work/check.log" 2>&1 ||
  { cat "$work/check.log" >&2; fail "agenthostd --check-config on the packaged configuration"; }
grep -q "is valid" "$work/check.log" || fail "--check-config did not say the config is valid"
for agent in echo triage approval assistant; do
  grep -Eq "^  $agent " "$work/check.log" || { cat "$work/check.log" >&2; fail "agent $agent not loaded"; }
done
log "--check-config: the packaged configuration and plugins load"

# ---- 4. serve on port 0 ----------------------------------------------------------------
sed 's/^  port: 8080$/  port: 0/' "$root/etc/agenthost/agenthost.yaml" >"$work/serve.yaml"
grep -q '^  port: 0$' "$work/serve.yaml" || fail "could not set server.port to 0 in a copy of the config"
"$daemon" --config "$work/serve.yaml" >"$work/serve.log" 2>&1 &
daemon_pid=$!

# wait_for SECONDS COMMAND...: polls COMMAND until it succeeds; false at the deadline.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}
started() { grep -qE 'listening on|agenthostd ready' "$work/serve.log" || ! kill -0 "$daemon_pid" 2>/dev/null; }
wait_for 30 started || { cat "$work/serve.log" >&2; fail "agenthostd neither listened nor got ready within 30 s"; }
kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "agenthostd exited at startup"; }
wait_for 30 grep -q 'agenthostd ready' "$work/serve.log" ||
  { cat "$work/serve.log" >&2; fail "agenthostd did not log 'agenthostd ready' within 30 s"; }

port=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\)$/\1/p' "$work/serve.log" | head -1)
if [ -n "$port" ]; then
  body=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/healthz") ||
    { cat "$work/serve.log" >&2; fail "GET /healthz on port $port"; }
  log "GET /healthz: $body"
  code=$(curl -sS --max-time 10 -o "$work/metrics.txt" -w '%{http_code}' "http://127.0.0.1:$port/metrics" || true)
  if [ "$code" = 200 ]; then
    grep -q '^# TYPE agenthost_build_info gauge$' "$work/metrics.txt" || fail "/metrics lacks agenthost_build_info"
    log "GET /metrics: $(grep -c '^# TYPE' "$work/metrics.txt") families"
  else
    log "GET /metrics answered $code: not served yet"
  fi
else
  log "agenthostd does not serve HTTP yet (no 'listening on' line): /healthz not probed"
fi

kill -TERM "$daemon_pid"
wait_for 60 eval '! kill -0 "$daemon_pid" 2>/dev/null' ||
  { cat "$work/serve.log" >&2; fail "agenthostd still running 60 s after SIGTERM"; }
status=0
wait "$daemon_pid" || status=$?
daemon_pid=
[ "$status" -eq 0 ] || { cat "$work/serve.log" >&2; fail "agenthostd exited with $status after SIGTERM"; }
log "SIGTERM: agenthostd stopped with status 0"
log "passed"
