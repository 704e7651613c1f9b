#!/usr/bin/env bash
# PostgreSQL store on a full disk, end to end (docs/RELIABILITY.md).
#
#   eval "$(scripts/pg/start.sh)"; scripts/pg/full-disk.sh INPUT_A INPUT_B
#
# Needs root (it mounts a tmpfs) and DOSSIER_TEST_PG (a URL without a query
# string, as scripts/pg/start.sh prints it). Puts a fresh schema's tables
# in a tablespace on a 3 MB tmpfs, ingests INPUT_A (fits), then INPUT_B
# (does not): that ingest must exit 2 with the "store is full" error and
# keep every batch committed before it (each document once, none of A
# lost). Then it grows the tmpfs, ingests INPUT_B again and checks that the
# store holds exactly the documents `dossier analyze` derives from both
# inputs, each once.
set -euo pipefail
a=$(realpath "$1") b=$(realpath "$2")
cd "$(dirname "$0")/../.."
pg=${DOSSIER_TEST_PG:?run eval "\$(scripts/pg/start.sh)" first}
case "$pg" in *\?*) echo "DOSSIER_TEST_PG must not carry a query string" >&2; exit 1;; esac
bin=target/release/dossier
work=$(mktemp -d /tmp/dossier-pgfull.XXXXXX)
mnt="$work/mnt"
schema="full_$$"
space="tiny_$$"
cleanup() {
  psql -q "$pg" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "DROP TABLESPACE IF EXISTS $space" 2>/dev/null || true
  umount "$mnt" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
mkdir "$mnt"
mount -t tmpfs -o size=3m tmpfs "$mnt"
chown postgres "$mnt"
psql -q "$pg" -c "CREATE TABLESPACE $space LOCATION '$mnt'" -c "CREATE SCHEMA $schema"
spec="$pg?options=-cdefault_tablespace%3D$space%20-csearch_path%3D$schema"
count() { psql -Atq "$pg" -c "SELECT count(*) || ' ' || count(DISTINCT id) FROM $schema.documents"; }

"$bin" ingest "$a" --store "$spec"
after_a=$(count)
echo "after A: $after_a (documents, distinct)"
set +e
"$bin" ingest "$b" --store "$spec" 2> "$work/full.err"
code=$?
set -e
[ "$code" = 2 ] || { echo "FAIL: the ingest into a full store exited $code, not 2"; cat "$work/full.err"; exit 1; }
grep -q "store is full" "$work/full.err" || { echo "FAIL: no clear error:"; cat "$work/full.err"; exit 1; }
echo "full: $(tail -1 "$work/full.err")"
after_full=$(count)
echo "after the failed ingest: $after_full"
read -r n d <<< "$after_full"
read -r na _ <<< "$after_a"
[ "$n" = "$d" ] && [ "$n" -ge "$na" ] || { echo "FAIL: documents lost or stored twice"; exit 1; }
mount -o remount,size=64m "$mnt"
"$bin" ingest "$b" --store "$spec"
got=$(count)
want=$("$bin" analyze "$a" "$b" 2>/dev/null | python3 -c "import sys, json; print(len({json.loads(l)['id'] for l in sys.stdin}))")
echo "after room was made and B ingested again: $got; expected $want"
[ "$got" = "$want $want" ] || { echo "FAIL"; exit 1; }
echo "ok"
