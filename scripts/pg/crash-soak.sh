#!/usr/bin/env bash
# The long crash run of docs/RELIABILITY.md: many SIGKILLs of `dossier
# ingest` at random points, on SQLite and (when DOSSIER_TEST_PG is set, see
# scripts/pg/start.sh) PostgreSQL. Usage: scripts/pg/crash-soak.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOSSIER_CRASH_RUNS="${1:-100}"
cargo test -p dossier --test reliability -- --nocapture ingest_killed_at_random_points
