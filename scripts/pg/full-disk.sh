#!/usr/bin/env bash
# PostgreSQL store on a full disk, end to end (docs/RELIABILITY.md).
#
#   eval "$(scripts/pg/start.sh)"; scripts/pg/full-disk.sh INPUT_A INPUT_B
#
# Needs root (it mounts a tmpfs) and DOSSIER_TEST_PG. Puts a fresh schema's
# tables in a tablespace on a 3 MB tmpfs, ingests INPUT_A (fits), then
# INPUT_B (does not): the ingest must fail with the "store is full" error
# and keep every batch committed before. Then it grows the tmpfs, ingests
# INPUT_B again and checks that the store holds exactly the documents
# `dossier analyze` derives from both inputs, each once.
set -euo pipefail
cd "$(dirname "$0")/../.."
a=$1 b=$2
pg=${DOSSIER_TEST_PG:?run eval "\$(scripts/pg/start.sh)" first}
bin=target/release/dossier
mnt=$(mktemp -d /tmp/dossier-pgfull.XXXXXX)
schema="full_$$"
space="tiny_$$"
mount -t tmpfs -o size=3m tmpfs "$mnt"
chown postgres "$mnt"
cleanup() {
  psql -q "$pg" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "DROP TABLESPACE IF EXISTS $space" || true
  umount "$mnt" || true
  rmdir "$mnt" || true
}
trap cleanup EXIT
psql -q "$pg" -c "CREATE TABLESPACE $space LOCATION '$mnt'" -c "CREATE SCHEMA $schema"
spec="$pg?options=-cdefault_tablespace%3D$space%20-csearch_path%3D$schema"
count() { psql -Atq "$pg" -c "SELECT count(*) || ' ' || count(DISTINCT id) FROM $schema.documents"; }

"$bin" ingest "$a" --store "$spec"
echo "after A: $(count) (documents, distinct)"
if "$bin" ingest "$b" --store "$spec" 2> full.err; then
  echo "FAIL: the ingest into a full store succeeded"; exit 1
fi
grep -q "store is full" full.err || { echo "FAIL: no clear error:"; cat full.err; exit 1; }
echo "full: $(tail -1 full.err)"
echo "after the failed ingest: $(count)"
mount -o remount,size=64m "$mnt"
"$bin" ingest "$b" --store "$spec"
got=$(count)
want=$("$bin" analyze "$a" "$b" 2>/dev/null | python3 -c "import sys, json; print(len({json.loads(l)['id'] for l in sys.stdin}))")
echo "after room was made and B ingested again: $got; expected $want"
[ "$got" = "$want $want" ] || { echo "FAIL"; exit 1; }
echo "ok"
rm -f full.err
