#!/bin/sh
# `dbtcoach check` on broken scripts: each file in tests/data/check/cases
# names, in its first line, the diagnostic check must print for it
# ("# expect: LINE:COL: severity: message"). Also: the shipped skills pass
# with --werror, exit codes, and the source line with a caret.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"
D=tests/data/check

for case in "$D"/cases/*.yaml; do
    name=$(basename "$case")
    want=$(sed -n '1s/^# expect: //p' "$case")
    rm -rf "$T/set" && cp -R "$D/base" "$T/set" && cp "$case" "$T/set/dt/$name"
    "$BIN" check "$T/set" >"$T/out" 2>&1
    rc=$?
    if grep -qF -- "$T/set/dt/$name:$want" "$T/out"; then ok; else
        no "$name: expected '$name:$want' in:"
        sed 's/^/  | /' "$T/out"
    fi
    case $want in
    *": error: "*) expect_rc "$name exit status" "$rc" 1 ;;
    *) expect_rc "$name exit status" "$rc" 0
       "$BIN" check --werror "$T/set" >/dev/null 2>&1
       expect_rc "$name with --werror" $? 1 ;;
    esac
done

# The source line and a caret under the column.
rm -rf "$T/set" && cp -R "$D/base" "$T/set" && cp "$D/cases/unknown-key.yaml" "$T/set/dt/"
"$BIN" check "$T/set" >"$T/out" 2>&1
expect "source line" "$T/out" '^      promt: Hi$'
expect "caret" "$T/out" '^      \^$'

"$BIN" check "$T/nowhere" >"$T/out" 2>&1
expect_rc "a folder that does not exist" $? 2

"$BIN" check --werror skills >"$T/out" 2>&1
expect_rc "shipped skills pass check --werror" $? 0
if [ -s "$T/out" ] && grep -q ": \(error\|warning\): " "$T/out"; then sed 's/^/  | /' "$T/out" | head -40; fi

# coach.yaml's talk: a pattern that does not compile, a text where the
# step's own text is said, an unknown kind: each at its line and column.
talk_case() { # name, yaml appended to coach.yaml, expected "LINE:COL: error: ..."
    rm -rf "$T/set" && cp -R "$D/base" "$T/set"
    printf '%s\n' "$2" >>"$T/set/coach.yaml"
    n=$(wc -l <"$D/base/coach.yaml")
    "$BIN" check "$T/set" >"$T/out" 2>&1
    expect_rc "talk: $1 exit status" $? 1
    line=$((n + $3))
    if grep -qF -- "$T/set/coach.yaml:$line:$4" "$T/out"; then ok; else
        no "talk: $1: expected 'coach.yaml:$line:$4' in:"
        sed 's/^/  | /' "$T/out"
    fi
}
talk_case "bad pattern" "talk:
  thanks: {match: '(thanks'}" 2 "27: error: pattern does not compile: missing closing parenthesis"
talk_case "say on why" "talk:
  why: {say: Because.}" 2 "14: error: talk 'why' says the step's own 'why:' text"
talk_case "unknown kind" "talk:
  hello: {say: Hi.}" 2 "3: error: unknown key"
talk_case "which on pick" "talk:
  pick: {which: Which?}" 2 "17: error: only talk 'ack' has 'which:'"
talk_case "again on why" "talk:
  why: {again: Again.}" 2 "16: error: only talk 'rating' and 'unsure' have 'again:'"

# A well-formed talk: override loads clean.
rm -rf "$T/set" && cp -R "$D/base" "$T/set"
printf 'talk:\n  thanks: {say: "Any time."}\n  pick: {say: "Then I will choose."}\n  ack: {which: "Which one?"}\n  unsure: {again: "Fine, we can skip it."}\n' >>"$T/set/coach.yaml"
"$BIN" check "$T/set" >"$T/out" 2>&1
expect_rc "talk: an override loads" $? 0

report
