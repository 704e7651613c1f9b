#!/usr/bin/env bash
# Run every fuzz target for SECS seconds each (default 600, the figure
# docs/RELIABILITY.md records). Needs cargo-fuzz (`cargo install cargo-fuzz`)
# and a nightly toolchain, or RUSTC_BOOTSTRAP=1 on stable.
# Crashing inputs land in fuzz/artifacts/TARGET/; turn each into a
# regression test (see docs/RELIABILITY.md).
set -euo pipefail
cd "$(dirname "$0")/../../fuzz"
secs="${1:-600}"
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then toolchain=(+nightly); else export RUSTC_BOOTSTRAP=1; fi
for t in $(cargo "${toolchain[@]}" fuzz list); do
  echo "== $t ($secs s)"
  cargo "${toolchain[@]}" fuzz run "$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -max_len=65536 2>&1 | tail -n 3
done
