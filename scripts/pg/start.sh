#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on 127.0.0.1 for Dossier's tests and
# print the line that points the tests at it:
#
#   eval "$(scripts/pg/start.sh)"      # exports DOSSIER_TEST_PG=postgres://...
#
# Installs Debian's `postgresql` when its binaries are absent. The cluster
# lives in $DOSSIER_PG_DIR (default /tmp/dossier-pg), listens only on
# 127.0.0.1 (no Unix socket outside the data dir), uses trust authentication
# for local connections and is owned by the `postgres` system user because
# the server refuses to run as root. scripts/pg/stop.sh stops it.
set -euo pipefail

dir="${DOSSIER_PG_DIR:-/tmp/dossier-pg}"
port="${DOSSIER_PG_PORT:-55432}"
db="${DOSSIER_PG_DB:-dossier_test}"

bindir=""
for v in 17 16 15 14 13; do
  if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then bindir="/usr/lib/postgresql/$v/bin"; break; fi
done
if [ -z "$bindir" ]; then
  echo "installing postgresql from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  for v in 17 16 15 14 13; do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then bindir="/usr/lib/postgresql/$v/bin"; break; fi
  done
fi
[ -n "$bindir" ] || { echo "no PostgreSQL server binaries found" >&2; exit 1; }

# Run server commands as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
user="$(if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi)"

# Already running on this port? Reuse it.
if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "PostgreSQL already answers on 127.0.0.1:$port" >&2
else
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$bindir/initdb" -D "$dir" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
      || as_pg "$bindir/initdb" -D "$dir" -U "$user" -A trust -E UTF8 --locale=C >&2
  fi
  # fsync stays on: the crash tests rely on committed data surviving.
  as_pg "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200" start >&2
fi

if ! as_pg "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$db"
fi
echo "export DOSSIER_TEST_PG=postgres://$user@127.0.0.1:$port/$db"
