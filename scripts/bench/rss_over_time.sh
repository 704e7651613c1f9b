#!/usr/bin/env bash
# Run a command and sample its resident memory and the bytes it has read
# every INTERVAL seconds (default 10), to show whether memory stays flat as
# input streams through.
#
# Usage: INTERVAL=10 scripts/bench/rss_over_time.sh COMMAND [ARGS...] > samples.tsv
# The command's stdout goes to /dev/null and its stderr to samples.tsv.stderr.
# Output columns: seconds, bytes read so far (GB), resident memory (MB).
set -euo pipefail
interval=${INTERVAL:-10}
"$@" > /dev/null 2> "${SAMPLES_ERR:-/dev/stderr}" &
pid=$!
start=$(date +%s)
peak=0
printf 'seconds\tread_gb\trss_mb\n'
while kill -0 "$pid" 2> /dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)
    read_bytes=$(awk '/^rchar/ {print $2}' "/proc/$pid/io" 2> /dev/null || echo 0)
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
    [ -n "$rss" ] && printf '%d\t%.2f\t%d\n' $(( $(date +%s) - start )) \
        "$(echo "${read_bytes:-0} / 1000000000" | bc -l)" $(( ${rss:-0} / 1024 ))
    sleep "$interval"
done
wait "$pid" && status=0 || status=$?
printf '# exit %d, peak resident %d MB\n' "$status" $(( peak / 1024 ))
