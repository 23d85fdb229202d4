#!/bin/sh
# The examples: the C front end built against the in-tree library and given a
# short conversation, and the Python front end's own tests.
set -u
BIN=${1:-build/dbtcoach}
DBTCOACH_SKILLS=${DBTCOACH_SKILLS:-skills}
DBTCOACH_SKILLS=$(cd "$DBTCOACH_SKILLS" 2>/dev/null && pwd || echo "$DBTCOACH_SKILLS")
export DBTCOACH_SKILLS
. "$(dirname "$0")/../lib.sh"

LIB=$(dirname "$BIN")/libdbtcoach.a

# C: build with the flags the library was built with (a sanitizer build
# needs the same sanitizer at link time).
SAN=""
if [ -f "$LIB" ]; then
    syms=$(nm "$LIB" 2>/dev/null)
    case $syms in *__tsan_*) SAN="-fsanitize=thread" ;; *__asan_*) SAN="-fsanitize=address,undefined" ;;
    *__ubsan_*) SAN="-fsanitize=undefined" ;; esac
fi
if [ ! -f "$LIB" ]; then
    echo "note: C example skipped (no $LIB)"
elif ! command -v pkg-config >/dev/null || ! command -v make >/dev/null; then
    echo "note: C example skipped (no make or pkg-config)"
elif ! make -s -C examples/c DBTCOACH_LIB="$(cd "$(dirname "$LIB")" && pwd)/libdbtcoach.a" \
    OUT="$T/coach" CFLAGS="-O1 -g -Werror $SAN" LDFLAGS="$SAN" >"$T/build" 2>&1; then
    no "examples/c builds against $LIB"
    sed 's/^/  | /' "$T/build"
else
    ok
    printf '%s\n' "I want to practice the STOP skill" "7" "yell at my boss" \
        "I want to kill myself" "quit" |
        timeout 20 "$T/coach" skills US >"$T/out" 2>"$T/err"
    expect_rc "C example exit" $? 0
    expect "C example: greeting" "$T/out" "practice aid"
    expect "C example: a skill" "$T/out" 'how strong is the urge right now, 0 to 10'
    expect "C example: reflection" "$T/out" 'The urge is to yell at your boss'
    expect "C example: choices" "$T/out" '^  \[ok\]$'
    expect "C example: crisis framed" "$T/out" '^=+ PLEASE READ: SUPPORT IS AVAILABLE NOW =+$'
    expect "C example: crisis lines" "$T/out" 'call 988'
    expect "C example: crisis choices" "$T/out" '\[breathe with me\]'
    if [ -s "$T/err" ]; then no "C example wrote to stderr:"; sed 's/^/  | /' "$T/err"; else ok; fi
    timeout 20 "$T/coach" "$T/no-such-folder" </dev/null >"$T/out" 2>"$T/err"
    expect_rc "C example: missing skills folder" $? 1
    expect "C example: load error" "$T/err" 'no-such-folder: '
fi

# The C example in docs/EMBEDDING.md is examples/c/coach.c, word for word.
sed -n '/<!-- BEGIN examples\/c\/coach.c -->/,/<!-- END examples\/c\/coach.c -->/p' docs/EMBEDDING.md |
    sed '1,2d;$d' | sed '$d' >"$T/doc.c"
if [ -s "$T/doc.c" ] && cmp -s "$T/doc.c" examples/c/coach.c; then ok; else
    no "the C example in docs/EMBEDDING.md differs from examples/c/coach.c:"
    diff "$T/doc.c" examples/c/coach.c | head -20
fi

# Python: the unit tests of examples/python, with this build's coach.
if command -v python3 >/dev/null; then
    abs=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
    DBTCOACH=$abs timeout 120 python3 examples/python/test_coach.py >"$T/py" 2>&1
    rc=$?
    n=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in.*/\1/p' "$T/py")
    if [ "$rc" -eq 0 ] && [ -n "$n" ] && ! grep -q 'skipped' "$T/py"; then
        pass=$((pass + n))
    else
        no "examples/python/test_coach.py (exit $rc)"
        sed 's/^/  | /' "$T/py" | tail -40
    fi
else
    echo "note: Python example skipped (no python3)"
fi

report
