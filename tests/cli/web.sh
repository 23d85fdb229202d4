#!/bin/sh
# The Node relay of examples/web in headless Chromium: the same browser test
# as the web chat of dbtcoach serve (tests/web/e2e.mjs), over --jsonl.
set -u
BIN=${1:-build/dbtcoach}
DBTCOACH_SKILLS=${DBTCOACH_SKILLS:-skills}
DBTCOACH_SKILLS=$(cd "$DBTCOACH_SKILLS" 2>/dev/null && pwd || echo "$DBTCOACH_SKILLS")
export DBTCOACH_SKILLS
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "note: web example test skipped (no chromium)"
    echo "0 passed, 0 failed"
    exit 0
fi
abs=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
if [ ! -d tests/web/node_modules/playwright-core ]; then
    (cd tests/web && npm ci --silent --no-audit --no-fund) || {
        echo "FAIL: npm ci in tests/web"
        echo "0 passed, 1 failed"
        exit 1
    }
fi
RELAY=1 DBTCOACH=$abs CHROMIUM=/usr/bin/chromium timeout 180 node tests/web/e2e.mjs
