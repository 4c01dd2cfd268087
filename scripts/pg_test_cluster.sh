#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#
#   scripts/pg_test_cluster.sh start DIR   initdb a cluster in DIR (which must not exist
#                                          or be empty), listening on a unix socket in DIR
#                                          and on 127.0.0.1 at a free port, create database
#                                          agenthost_test, and print its URL on stdout:
#                                          postgresql://USER@127.0.0.1:PORT/agenthost_test
#   scripts/pg_test_cluster.sh url DIR     print the URL of a running cluster again
#   scripts/pg_test_cluster.sh stop DIR    stop it (immediate) and remove DIR
#
# Authentication is "trust" on the socket and on 127.0.0.1: the cluster is for tests
# only, holds nothing of value and lives as long as the test run. Durability is off
# (fsync, full-page writes) to keep it fast. PostgreSQL refuses to run as root, so
# under root the server runs as the `postgres` user (or a created system user
# `agenthost-pg`), and DIR is given to that user. Everything but the URL goes to stderr.
set -euo pipefail

readonly MARKER=".agenthost-pg-test-cluster"
readonly DATABASE="agenthost_test"

CLEANUP_HINT=""
die() {
  echo "pg_test_cluster: $*" >&2
  [ -n "$CLEANUP_HINT" ] && echo "pg_test_cluster: $CLEANUP_HINT" >&2
  exit 1
}
usage() { die "usage: $0 start DIR | url DIR | stop DIR"; }

find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return; fi
  die "no PostgreSQL server found (looked in /usr/lib/postgresql/*/bin, pg_config and PATH); install the 'postgresql' package (scripts/setup.sh does)"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' \
    || die "python3 could not find a free TCP port"
}

# The OS user that runs the server, and a way to run commands as that user.
server_user() {
  if [ "$(id -u)" -ne 0 ]; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  if ! id agenthost-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin agenthost-pg >&2 \
      || die "running as root and there is no 'postgres' user; creating user 'agenthost-pg' failed"
  fi
  echo agenthost-pg
}

as_user() {
  local user=$1; shift
  if [ "$(id -un)" = "$user" ]; then "$@"; return; fi
  if command -v runuser >/dev/null; then runuser -u "$user" -- "$@"; return; fi
  su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"
}

start() {
  local dir=$1
  [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ] && die "$dir exists and is not empty; give a new directory"
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  local bindir user port socket_dir
  bindir=$(find_bindir)
  user=$(server_user)
  socket_dir="$dir/sock"
  # A unix socket path is limited to 107 bytes: "<socket_dir>/.s.PGSQL.<port>".
  [ ${#socket_dir} -le 85 ] || die "$dir is too long a path for a unix socket directory; use a shorter one (e.g. under /tmp)"
  mkdir -p "$socket_dir"
  touch "$dir/$MARKER"
  CLEANUP_HINT="to clean up: $0 stop $dir"
  echo "$user" > "$dir/server_user"
  if [ "$(id -un)" != "$user" ]; then
    chown -R "$user" "$dir" || die "cannot give $dir to user $user"
    as_user "$user" test -w "$dir" \
      || die "user $user cannot write $dir (a parent directory is closed to it?); use a directory under /tmp"
  fi

  as_user "$user" "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed (log above, also in $dir/initdb.log)"; }

  local attempt started=no
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_user "$user" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$socket_dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
         start >&2; then
      started=yes; break
    fi
    echo "pg_test_cluster: start on port $port failed (attempt $attempt), trying another port" >&2
  done
  if [ "$started" != yes ]; then
    tail -n 30 "$dir/server.log" >&2 || true
    die "the server did not start (log above, also in $dir/server.log)"
  fi
  echo "$port" > "$dir/port"

  as_user "$user" "$bindir/createdb" -h "$socket_dir" -p "$port" -U "$user" "$DATABASE" \
    || die "createdb $DATABASE failed (server log: $dir/server.log)"
  local url="postgresql://$user@127.0.0.1:$port/$DATABASE"
  echo "$url" > "$dir/url"
  chown "$user" "$dir/url" "$dir/port" 2>/dev/null || true
  echo "$url"
}

stop() {
  local dir=$1
  [ -d "$dir" ] || die "$dir does not exist; nothing to stop"
  [ -f "$dir/$MARKER" ] || die "$dir was not made by '$0 start' (no $MARKER); refusing to remove it"
  local bindir user
  bindir=$(find_bindir)
  user=$(cat "$dir/server_user" 2>/dev/null || id -un)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_user "$user" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 \
      || die "pg_ctl stop failed for $dir/data; the server may still run (pid in $dir/data/postmaster.pid)"
  fi
  rm -rf "$dir"
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  url) [ -f "$2/url" ] || die "$2 has no running cluster (no $2/url)"; cat "$2/url" ;;
  *) usage ;;
esac
