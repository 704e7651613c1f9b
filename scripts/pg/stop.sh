#!/usr/bin/env bash
# Stop the cluster started by scripts/pg/start.sh (the data stays in place;
# remove $DOSSIER_PG_DIR to start afresh).
set -euo pipefail
dir="${DOSSIER_PG_DIR:-/tmp/dossier-pg}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -f "$dir/postmaster.pid" ] || { echo "no cluster running in $dir" >&2; exit 0; }
if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bindir/pg_ctl" -D "$dir" -m fast stop; else "$bindir/pg_ctl" -D "$dir" -m fast stop; fi
