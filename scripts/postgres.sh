#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests (Debian's postgresql package) and prints
# the DATABASE_URL for it. `scripts/postgres.sh stop` stops it. Runs as the `postgres` user
# when started as root, since PostgreSQL refuses to run as root.
set -euo pipefail
PGPORT=${KEYWARD_PGPORT:-54329}
PGDATA=${KEYWARD_PGDATA:-/tmp/keyward-pg-$PGPORT}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "postgres.sh: PostgreSQL is not installed (scripts/setup-system.sh installs it)" >&2; exit 1; }
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi
if [ "${1:-start}" = stop ]; then
  [ -d "$PGDATA" ] && "${as_pg[@]}" "$bindir/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi
if ! "${as_pg[@]}" "$bindir/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
  "${as_pg[@]}" "$bindir/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"
