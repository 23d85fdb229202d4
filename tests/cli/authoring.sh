#!/bin/sh
# The authoring tools on a small fixture with known answers: `test` passing
# and failing (the failure report), `test --coverage`, and `graph`.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"
S=tests/data/check/base
D=tests/data/transcripts

"$BIN" --skills "$S" test "$D/pass.yaml" >"$T/out" 2>&1
expect_rc "passing transcripts" $? 0
expect "closing line" "$T/out" '^2 passed, 0 failed$'

"$BIN" --skills "$S" test "$D/fail.yaml" >"$T/out" 2>&1
expect_rc "failing transcripts" $? 1
expect "closing line of a failing run" "$T/out" '^0 passed, 3 failed$'
expect "failure names file, line, case and turn" "$T/out" \
    "^FAIL $D/fail.yaml:10: expects words the coach never says, turn 2 \\(user: i want to run\\)$"
expect "what was expected" "$T/out" '^    expected the reply to contain: a sentence that is not there$'
expect "what the coach said" "$T/out" '^      \| Low \(3\)\.$'
expect "a wrong step" "$T/out" '^    expected step: start, but it is name$'
expect "a crisis where none was expected" "$T/out" '^    expected crisis: false, but the reply has crisis: suicide$'

# Coverage: the passing file reaches start, name, check and high (4 of 6
# steps: not low, not breathe) and 2 of the 3 rules (not the breathe step's).
"$BIN" --skills "$S" test --coverage "$D/pass.yaml" >"$T/out" 2>&1
expect "coverage per skill" "$T/out" '^  demo +steps +4/6 +rules +2/3 +66%$'
expect "an uncovered step with file:line" "$T/out" "^    $S/dt/demo.yaml:[0-9]+: step not reached: low$"
expect "an uncovered rule with file:line" "$T/out" "^    $S/dt/demo.yaml:[0-9]+: rule not reached: done$"
expect "TOTAL" "$T/out" '^TOTAL 66%$'

# The same file twice gives the same result.
"$BIN" --skills "$S" test "$D/fail.yaml" >"$T/a" 2>&1
"$BIN" --skills "$S" test "$D/fail.yaml" >"$T/b" 2>&1
if cmp -s "$T/a" "$T/b"; then ok; else no "test is not deterministic"; fi

# graph: DOT with the steps, the rule labels and the branches.
"$BIN" --skills "$S" graph demo >"$T/out" 2>&1
expect_rc "graph" $? 0
expect "graph header" "$T/out" '^digraph "demo" \{$'
expect "a rule edge with its example" "$T/out" "\"start\" -> \"name\" \\[label=\"'7'\"\\];"
expect "a branch edge with its condition" "$T/out" '"check" -> "high" \[style=bold, label="before >= 8"\];'
expect "an end step" "$T/out" '"high" \[label="high.*peripheries=2\];'
"$BIN" --skills "$S" graph nope >"$T/out" 2>&1
expect_rc "graph of a skill that does not exist" $? 2
if command -v dot >/dev/null 2>&1; then
    "$BIN" --skills "$S" graph demo | dot -Tsvg >"$T/demo.svg" && ok || no "dot rejects the graph"
fi

report
