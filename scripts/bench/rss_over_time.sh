#!/usr/bin/env bash
# Run a command and sample its resident memory and the bytes it has read
# every INTERVAL seconds (default 10), to show whether memory stays flat as
# input streams through.
#
# Usage: INTERVAL=10 [SAMPLES_ERR=FILE] scripts/bench/rss_over_time.sh COMMAND [ARGS...] > samples.tsv
# The command's stdout goes to /dev/null, its stderr to SAMPLES_ERR (default:
# this script's stderr). Output columns: seconds, bytes read so far (GB),
# resident memory (MB); a last comment line gives the exit status and the
# peak resident memory the kernel recorded (VmHWM).
set -uo pipefail
if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
interval=${INTERVAL:-10}
"$@" > /dev/null 2> "${SAMPLES_ERR:-/dev/stderr}" &
pid=$!
start=$(date +%s)
peak=0
printf 'seconds\tread_gb\trss_mb\n'
while kill -0 "$pid" 2> /dev/null; do
    # One read of each file; a process that ended meanwhile gives no row.
    status=$(cat "/proc/$pid/status" 2> /dev/null) || break
    io=$(cat "/proc/$pid/io" 2> /dev/null) || break
    now=$(date +%s)
    row=$(printf '%s\n%s\n' "$status" "$io" | awk -v t=$((now - start)) '
        /^VmRSS/ {rss = $2} /^VmHWM/ {hwm = $2} /^rchar/ {rd = $2}
        END {if (rss != "") printf "%d\t%.2f\t%d\t%d\n", t, rd / 1e9, rss / 1024, hwm}')
    [ -z "$row" ] && break
    hwm=${row##*$'\t'}
    [ "$hwm" -gt "$peak" ] && peak=$hwm
    printf '%s\n' "${row%$'\t'*}"
    sleep "$interval"
done
wait "$pid"
status=$?
printf '# exit %d, peak resident %d MB (as last sampled)\n' "$status" $((peak / 1024))
