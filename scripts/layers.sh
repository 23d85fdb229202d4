#!/bin/sh
# The engine's files must call each other in layers that point one way: for
# each pair of engine object files, an edge from the one that uses a symbol
# to the one that defines it; any cycle in that graph is an error. Also
# checks that no C source file under engine/ passes 800 lines, and that the
# command-line front end includes no engine header but dbtcoach.h: a
# `#include "..."` in engine/cli must name dbtcoach.h or a file of engine/cli.
# Usage: scripts/layers.sh BUILD_DIR   (the objects in BUILD_DIR/engine)
#        CLI_DIR=DIR to check the includes of another folder (for tests)
set -eu
B=${1:-build}
CLI=${CLI_DIR:-engine/cli}
objs=$(ls "$B"/engine/*.o)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for o in $objs; do
    f=$(basename "$o" .o)
    nm "$o" | awk -v f="$f" '$2 ~ /^[TDBR]$/ {print $3, f}' >>"$tmp/defs"
    nm -u "$o" | awk -v f="$f" '{print $NF, f}' >>"$tmp/uses"
done
# user -> definer, for symbols defined in another engine file
awk 'NR == FNR {def[$1] = $2; next} ($1 in def) && def[$1] != $2 {print $2, def[$1]}' \
    "$tmp/defs" "$tmp/uses" | sort -u >"$tmp/edges"
status=0
if ! tsort "$tmp/edges" >"$tmp/order" 2>"$tmp/err"; then
    echo "engine files call each other in a circle:" >&2
    cat "$tmp/err" >&2
    status=1
fi
for f in engine/*.c engine/*.h engine/cli/*.c engine/cli/*.h; do
    [ -f "$f" ] || continue
    n=$(wc -l <"$f")
    if [ "$n" -gt 800 ]; then
        echo "$f: $n lines (at most 800: split it by concern)" >&2
        status=1
    fi
done
for f in "$CLI"/*.c "$CLI"/*.h; do
    [ -f "$f" ] || continue
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        [ "$h" = dbtcoach.h ] && continue
        [ -f "$CLI/$h" ] && continue
        echo "$f: includes \"$h\": the front end uses only dbtcoach.h and its own headers" >&2
        status=1
    done
done
if [ "${LAYERS_VERBOSE:-}" ]; then
    echo "edges (user -> definer):"
    cat "$tmp/edges"
fi
exit $status
