#!/bin/sh
# Every script under skills/ against skills/schema.json (JSON Schema, checked
# with ajv), and a few documents the schema must reject. Needs node and npm;
# without them the test is skipped. Run from the top of the source tree:
#   sh tests/cli/schema.sh build/dbtcoach
# The last line of the output is "N passed, M failed".
set -u
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "note: schema test skipped (no node/npm)"
    echo "0 passed, 0 failed"
    exit 0
fi
if [ ! -d tests/schema/node_modules ]; then
    if ! (cd tests/schema && npm ci --silent --no-audit --no-fund); then
        echo "FAIL: npm ci in tests/schema did not succeed"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi
exec node tests/schema/validate.mjs skills
