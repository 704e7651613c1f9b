#!/usr/bin/env bash
# Make the browser tests runnable: Debian's chromium (installed when absent)
# and playwright-core from npm at the version pinned in
# tests/browser/package-lock.json (no browser is downloaded: the tests drive
# /usr/bin/chromium). Prints nothing on stdout; exits non-zero when either
# cannot be had, so CI can say so.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi
if ! command -v node >/dev/null 2>&1; then
  echo "installing nodejs and npm from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq nodejs npm >&2
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
fi
