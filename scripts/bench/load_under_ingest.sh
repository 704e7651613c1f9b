#!/usr/bin/env bash
# The API under sustained load while an ingest writes to the same store.
#
#   scripts/bench/load_under_ingest.sh STORE INCOMING [SECONDS] [CONNECTIONS] [OUT]
#
# Starts `dossier serve` on STORE, samples its resident memory every second,
# runs wrk for SECONDS (default 60) with CONNECTIONS (default 2) rotating the
# search queries of crates/server/bench/search.lua (API defaults: facets and
# attention), and 5 s in starts `dossier ingest INCOMING --store STORE` in
# parallel. At the end it prints wrk's latency and error report, the
# server's peak memory and what the ingest said, and waits (up to 60 s) for
# the server's own counts of documents in the store and in the index
# (/api/health) to agree; it fails when they do not. With
# DOSSIER_LOAD_NO_INGEST=1 there is no ingest: the same load on the store
# as it is, for comparison (INCOMING is then ignored).
# Outputs land in OUT (default ./load-run).
set -euo pipefail
store=$(realpath -m "$1") incoming=$(realpath -m "$2")
secs=${3:-60} conns=${4:-2} out=$(realpath -m "${5:-load-run}")
cd "$(dirname "$0")/../.."
port=${DOSSIER_LOAD_PORT:-8093}
bin=target/release/dossier
mkdir -p "$out"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; pkill -P $$ 2>/dev/null || true' EXIT
"$bin" serve --store "$store" --addr "127.0.0.1:$port" > "$out/serve.log" 2>&1 &
pids+=($!)
spid=$!
up=""
for _ in $(seq 1 600); do
  if curl -sf "http://127.0.0.1:$port/api/health" > "$out/health-before.json"; then up=1; break; fi
  kill -0 "$spid" 2>/dev/null || break
  sleep 0.5
done
[ -n "$up" ] || { echo "the server did not come up:" >&2; cat "$out/serve.log" >&2; exit 1; }
( while kill -0 "$spid" 2>/dev/null; do ps -o rss= -p "$spid" || true; sleep 1; done ) > "$out/rss-kb.txt" &
pids+=($!)
if [ "${DOSSIER_LOAD_NO_INGEST:-0}" != 1 ]; then
  ( sleep 5; /usr/bin/time -v "$bin" ingest "$incoming" --store "$store" > "$out/ingest.log" 2>&1 ) &
  ipid=$!
  pids+=($ipid)
  wrk -t1 -c"$conns" -d"${secs}s" --latency -s crates/server/bench/search.lua "http://127.0.0.1:$port" > "$out/wrk.txt"
  wait "$ipid" || { echo "the ingest failed:" >&2; cat "$out/ingest.log" >&2; exit 1; }
else
  wrk -t1 -c"$conns" -d"${secs}s" --latency -s crates/server/bench/search.lua "http://127.0.0.1:$port" > "$out/wrk.txt"
fi
cat "$out/wrk.txt"
echo "server peak RSS: $(sort -n "$out/rss-kb.txt" | tail -1) kB"
[ -f "$out/ingest.log" ] && grep -E "stored|Elapsed|Maximum resident" "$out/ingest.log" || true
echo "health before: $(cat "$out/health-before.json")"
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/api/health" > "$out/health-after.json" || true
  if python3 -c 'import json,sys; h=json.load(open(sys.argv[1])); sys.exit(h["documents"] != h["indexed"])' "$out/health-after.json" 2>/dev/null; then
    echo "health after:  $(cat "$out/health-after.json") (store and index agree)"
    exit 0
  fi
  sleep 0.5
done
echo "store and index disagree: $(cat "$out/health-after.json")" >&2
exit 1
