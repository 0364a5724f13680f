#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: `initdb` under target/pg/, started on a free
# loopback port with no Unix socket, stopped and removed afterwards (also when the command fails).
# CI runs as root with no database running; PostgreSQL refuses to run as root, so the cluster then
# belongs to the `postgres` user. The command sees:
#   PARTNER_DESK_TEST_DATABASE_URL  postgres://postgres@127.0.0.1:PORT/postgres (trust auth: the
#                                   cluster listens on loopback only and lives for one run)
#   PARTNER_DESK_TEST_PG_BIN        the directory of initdb, pg_ctl and postgres
#   PARTNER_DESK_TEST_PG_AS         the command prefix that runs them as the cluster's owner
# so that tests can make their own short-lived clusters (to stop and restart a database).
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

bin=""
for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { bin=$d; break; }
done
[ -n "$bin" ] || { echo "with-postgres: no PostgreSQL server found: apt-get install postgresql (scripts/setup.sh test does)" >&2; exit 1; }

as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "with-postgres: running as root needs the 'postgres' user (apt-get install postgresql creates it)" >&2; exit 1; }
  as=(runuser -u postgres --)
fi

mkdir -p "$root/target/pg"
dir=$(mktemp -d "$root/target/pg/cluster.XXXXXX")
[ ${#as[@]} -gt 0 ] && chown postgres: "$dir"
# The owner must reach the directory through every parent (a clone under /root would not do).
"${as[@]}" test -w "$dir" || { echo "with-postgres: $dir is not reachable by the postgres user; clone the project where it can read (e.g. under /tmp or /srv)" >&2; rm -rf "$dir"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
# fsync stays on: the hub's durability is part of what the tests show.
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

export PARTNER_DESK_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export PARTNER_DESK_TEST_PG_BIN="$bin"
export PARTNER_DESK_TEST_PG_AS="${as[*]}"
"$@"
