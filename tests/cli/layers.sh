#!/bin/sh
# The engine's architecture: its files call each other in one direction
# only (no circle), and no source file passes 800 lines. See docs/INTERNALS.md.
set -u
. tests/lib.sh
B=$(dirname "${1:-build/dbtcoach}")
if sh scripts/layers.sh "$B" >"$T/out" 2>&1; then ok; else no "layers:"; cat "$T/out"; fi
# Every engine source file opens with a comment saying what it holds.
for f in engine/*.c engine/*.h engine/cli/*.c engine/cli/*.h; do
    if head -n 1 "$f" | grep -q '^/\*'; then ok; else no "$f: no opening comment"; fi
done
report
