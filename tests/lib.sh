# Shared helpers for the command-line tests: source this, call ok/no, and
# finish with `report`, which prints "N passed, M failed".
pass=0
fail=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok() { pass=$((pass + 1)); }
no() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
# expect NAME COMMAND_OUTPUT_FILE PATTERN: the file must match the pattern
expect() {
    if grep -qE -- "$3" "$2"; then ok; else no "$1: no /$3/ in:"; sed 's/^/  | /' "$2" | head -40; fi
}
expect_not() {
    if grep -qE -- "$3" "$2"; then no "$1: /$3/ should not be in:"; sed 's/^/  | /' "$2" | head -20; else ok; fi
}
expect_rc() {
    if [ "$2" -eq "$3" ]; then ok; else no "$1: exit status $2, expected $3"; fi
}
report() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
