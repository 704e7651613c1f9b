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
# server's peak memory, what the ingest said, and the server's own count of
# documents in the store and in the index (/api/health), which must agree.
# Outputs land in OUT (default ./load-run).
set -euo pipefail
cd "$(dirname "$0")/../.."
store=$1 incoming=$2 secs=${3:-60} conns=${4:-2} out=${5:-load-run}
port=${DOSSIER_LOAD_PORT:-8093}
bin=target/release/dossier
mkdir -p "$out"
"$bin" serve --store "$store" --addr "127.0.0.1:$port" > "$out/serve.log" 2>&1 &
spid=$!
trap 'kill $spid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/api/health" > "$out/health-before.json" && break
  sleep 0.5
done
( while kill -0 "$spid" 2>/dev/null; do ps -o rss= -p "$spid" || true; sleep 1; done ) > "$out/rss-kb.txt" &
( sleep 5; /usr/bin/time -v "$bin" ingest "$incoming" --store "$store" > "$out/ingest.log" 2>&1 ) &
ipid=$!
wrk -t1 -c"$conns" -d"${secs}s" --latency -s crates/server/bench/search.lua "http://127.0.0.1:$port" > "$out/wrk.txt"
wait "$ipid"
# give the server a moment to pick up the new grouping and index commit
sleep 3
curl -sf "http://127.0.0.1:$port/api/health" > "$out/health-after.json"
cat "$out/wrk.txt"
echo "server peak RSS: $(sort -n "$out/rss-kb.txt" | tail -1) kB"
grep -E "stored|Elapsed|Maximum resident" "$out/ingest.log" || true
echo "health before: $(cat "$out/health-before.json")"
echo "health after:  $(cat "$out/health-after.json")"
