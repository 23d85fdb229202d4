#!/bin/sh
# Run every test suite and end with one line: "N passed, M failed".
#   tests/run.sh BUILD_DIR [SUITE...]    suites: unit transcripts cli pty
# With DBT_VALGRIND=1 the programs run under valgrind (errors fail the suite).
set -u
B=${1:-build}
shift 2>/dev/null || true
SUITES=${*:-"unit transcripts fuzz cli pty"}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

VG=""
if [ "${DBT_VALGRIND:-}" = 1 ]; then
    VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
    # PCRE2's JIT code reads past the input on purpose, which valgrind reports.
    export DBTCOACH_NO_JIT=1
fi

# Add the counts of a suite's output (cmocka's or our own closing line).
count() {
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        p=$((p + $(echo "$line" | sed 's/ passed.*//')))
        f=$((f + $(echo "$line" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')))
    fi
    echo "$p $f"
}

run_suite() { # name, command...
    name=$1
    shift
    "$@" >"$log" 2>&1
    rc=$?
    set -- $(count)
    p=$1 f=$2
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # a crash or a valgrind error counts as a failure
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
        echo "--- $name: FAILED (exit $rc)"
        cat "$log"
    else
        echo "--- $name: $p passed"
        grep -E '^(recall|false positives|note):' "$log" || true
    fi
}

export DBTCOACH_SKILLS=skills
for suite in $SUITES; do
    case $suite in
    unit)
        for t in "$B"/tests/test_*; do
            [ -x "$t" ] || continue
            # Under valgrind, skip what replaces malloc itself or takes long.
            case "$VG:$(basename "$t")" in
            valgrind*:test_alloc | valgrind*:test_crisis_data | valgrind*:test_prefilter) continue ;;
            esac
            run_suite "unit $(basename "$t")" $VG "$t"
        done
        ;;
    transcripts)
        run_suite "transcripts" $VG "$B/dbtcoach" --skills skills test tests/transcripts
        ;;
    fuzz)
        for f in "$B"/replay/fuzz_*; do
            [ -x "$f" ] || continue
            name=${f##*/fuzz_}
            files=$(find tests/fuzz/seeds/"$name" tests/fuzz/regressions/"$name" -type f 2>/dev/null)
            [ -n "$files" ] || continue
            # shellcheck disable=SC2086
            run_suite "fuzz replay $name" $VG "$f" $files
        done
        ;;
    cli)
        for t in tests/cli/*.sh; do
            [ -f "$t" ] || continue
            run_suite "cli $(basename "$t" .sh)" sh "$t" "$B/dbtcoach"
        done
        ;;
    pty)
        for t in tests/pty/*.sh; do
            [ -f "$t" ] || continue
            run_suite "pty $(basename "$t" .sh)" sh "$t" "$B/dbtcoach"
        done
        ;;
    esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
