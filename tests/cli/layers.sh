#!/bin/sh
# The engine's architecture: its files call each other in one direction
# only (no circle), and no source file passes 800 lines. See docs/INTERNALS.md.
set -u
. tests/lib.sh
B=$(dirname "${1:-build/dbtcoach}")
if sh scripts/layers.sh "$B" >"$T/out" 2>&1; then ok; else no "layers:"; cat "$T/out"; fi
# The front end includes only the public header and its own: a file that
# reaches into the engine is caught, one that does not passes.
mkdir -p "$T/cli"
printf '#include <stdio.h>\n#include "cli.h"\n#include "dbtcoach.h"\n' >"$T/cli/cli.c"
printf '#include "dbtcoach.h"\n' >"$T/cli/cli.h"
if CLI_DIR="$T/cli" sh scripts/layers.sh "$B" >"$T/out" 2>&1; then ok; else
    no "layers: a front end using only public headers is refused"; cat "$T/out"; fi
printf '#include "cli.h"\n  #  include "model.h"\n' >"$T/cli/graph.c"
if CLI_DIR="$T/cli" sh scripts/layers.sh "$B" >"$T/out" 2>&1; then
    no "layers: a front end including model.h passes"
else
    expect "the include named" "$T/out" 'graph.c: includes "model.h"'
fi
# Every engine source file opens with a comment saying what it holds.
for f in engine/*.c engine/*.h engine/cli/*.c engine/cli/*.h; do
    if head -n 1 "$f" | grep -q '^/\*'; then ok; else no "$f: no opening comment"; fi
done
report
