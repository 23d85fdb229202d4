#!/bin/sh
# Records and the safety plan through JSON lines: "record" on the turn an
# exercise, the card or the plan builder ends; "plan" in a request, cleaned,
# shown before the crisis lines and never instead of them.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"

HOME="$T/home" && mkdir -p "$HOME" && export HOME
run() { timeout 20 "$BIN" --skills skills --jsonl --region GB >"$T/out" 2>&1; }
field() { # line number, python expression on the reply `r`
    python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2])-1]; print($2)" "$T/out" "$1"
}

# An exercise's record: kind, skill, ratings before and after, answers.
for t in 'stop skill' 7 'yell at my boss' ok done 'my fists are tight' worse 'go for a walk' 3; do
    printf '{"session":"a","text":"%s"}\n' "$t"
done | run
[ "$(field 1 'r["record"]')" = None ] && ok || no "no record mid-exercise"
[ "$(field 9 'r["record"]["kind"]')" = practice ] && ok || no "kind practice"
[ "$(field 9 'r["record"]["skill"]')" = stop ] && ok || no "skill stop"
[ "$(field 9 'r["record"]["before"]["urge"], r["record"]["after"]["urge"]')" = "7 3" ] && ok || no "ratings 7 -> 3"
[ "$(field 9 'r["record"]["answers"]["plan"]')" = "go for a walk" ] && ok || no "answers"
if [ -n "$(find "$HOME" -type f)" ]; then no "JSON lines writes nothing"; else ok; fi

# The plan builder's record carries the plan in the format "plan" takes.
for t in 'safety plan' start skip skip skip 'Sam 07700 900123, Ana' skip skip 'my cat Miso' "that's it" 'keep it'; do
    printf '{"session":"b","text":"%s"}\n' "$t"
done | run
[ "$(field 11 'r["record"]["kind"]')" = plan ] && ok || no "kind plan"
[ "$(field 11 'r["record"]["plan"]["people"]')" = "[{'name': 'Sam', 'phone': '07700 900123'}, {'name': 'Ana'}]" ] && ok ||
    no "people with numbers: $(field 11 'r["record"]["plan"]["people"]')"
[ "$(field 11 'r["record"]["plan"]["reasons"]')" = "['my cat Miso']" ] && ok || no "reasons"

# A crisis reply with a plan: the plan first, then always the lines.
PLAN='{"reasons":["my cat Miso"],"people":[{"name":"Sam","phone":"0123 456"}],"coping":["walk \u001b[31mthe dog\u0007"],"safer":["x"]}'
{
    printf '{"session":"c","plan":%s,"text":"I want to kill myself"}\n' "$PLAN"
    printf '{"session":"d","text":"I want to kill myself"}\n'
    printf '{"session":"c","plan":null,"text":"I want to die"}\n'
    printf '{"session":"e","plan":{"reasons":"not a list"}}\n'
    printf '{"session":"e","plan":{"favourite":["x"]}}\n'
    printf '{"session":"e","plan":[1]}\n'
    printf '{"session":"f","plan":%s}\n' "$PLAN"
    printf '{"session":"f","text":"safety plan"}\n'
    printf '{"session":"f","text":"I think everyone would be better off without me"}\n'
} | run
field 1 'r["text"]' >"$T/c1"
expect "reasons in the crisis reply" "$T/c1" "reasons for living: my cat Miso"
expect "who to call, with the number" "$T/c1" "Sam \(0123 456\)"
expect "one coping step, cleaned" "$T/c1" "can do now: walk the dog$"
if grep -q "$(printf '\033')" "$T/c1" || grep -q "$(printf '\007')" "$T/c1"; then no "no escape codes"; else ok; fi
expect "and the lines" "$T/c1" "116 123"
expect "and the emergency number" "$T/c1" "999"
awk '/my cat Miso/{p=NR} /116 123/{l=NR} END{exit !(p && l && p < l)}' "$T/c1" && ok || no "the plan before the lines"
[ "$(field 1 'r["crisis"], r["tier"]')" = "True crisis" ] && ok || no "the crisis flag"
field 2 'r["text"]' >"$T/c2"
expect_not "no plan, no plan block" "$T/c2" "safety plan"
expect "the lines without a plan" "$T/c2" "116 123"
field 3 'r["text"]' >"$T/c3"
expect_not "plan null clears it" "$T/c3" "my cat Miso"
[ "$(field 4 'r["error"]')" = "each part of a plan is a list of at most 20 entries" ] && ok || no "a part not a list"
field 5 'r["error"]' >"$T/e5"
expect "an unknown part" "$T/e5" "unknown part of a plan"
[ "$(field 6 'r["error"]')" = '"plan" must be an object or null' ] && ok || no "a plan not an object"
[ "$(field 7 'r["text"]')" != "" ] && ok || no "plan with the greeting"
field 8 'r["text"]' >"$T/c8"
expect "the builder starts from the given plan" "$T/c8" "My reasons for living: my cat Miso"
expect "and its people" "$T/c8" "Sam 0123 456"
[ "$(field 9 'r["tier"]')" = warning ] && ok || no "a warning sign while building"
field 9 'r["text"]' >"$T/c9"
expect "the warning reply shows the plan too" "$T/c9" "reasons for living: my cat Miso"

# The builder's plan, kept, is the session's own: the next crisis reply in
# the same session shows it; one not kept is only in the record.
for k in 'keep it' "don't keep it"; do
    for t in 'safety plan' start skip skip skip 'Sam 07700 900123' skip skip 'my cat Miso' "that's it" "$k" 'I want to kill myself' '{save}'; do
        if [ "$t" = '{save}' ]; then printf '{"session":"k","save":true}\n'; else printf '{"session":"k","text":"%s"}\n' "$t"; fi
    done | run
    field 12 'r["text"]' >"$T/k12"
    if [ "$k" = 'keep it' ]; then
        expect "a kept plan shows in the next crisis reply" "$T/k12" "reasons for living: my cat Miso"
        expect "with the lines" "$T/k12" "116 123"
        field 13 'json.dumps(r["state"])' >"$T/kstate"
        expect "a kept plan is in the saved state" "$T/kstate" '"plan"'
    else
        expect_not "a plan not kept is not used" "$T/k12" "my cat Miso"
        expect "the lines all the same" "$T/k12" "116 123"
        field 13 'json.dumps(r["state"])' >"$T/nstate"
        expect_not "a plan not kept is not in the saved state" "$T/nstate" '"plan"'
    fi
done

# Saved in one process, restored in another: the crisis reply carries the
# plan without the plan being sent again.
printf '{"session":"r","restore":%s}\n{"session":"r","text":"I want to kill myself"}\n' "$(cat "$T/kstate")" | run
[ "$(field 1 'r["restored"]')" = True ] && ok || no "restored with a plan"
field 2 'r["text"]' >"$T/r2"
expect "the restored plan in the crisis reply" "$T/r2" "reasons for living: my cat Miso"
expect "who to call after restore" "$T/r2" "Sam \(07700 900123\)"
expect "and the lines after restore" "$T/r2" "116 123"
# A damaged plan in restored state is dropped, never an error.
printf '{"session":"q","restore":{"v":1,"mode":"coach","plan":{"reasons":[7]}}}\n{"session":"q","text":"I want to kill myself"}\n' | run
[ "$(field 1 'r["restored"]')" = True ] && ok || no "restored with a damaged plan"
[ "$(field 2 'r["crisis"]')" = True ] && ok || no "the crisis reply after a damaged plan"

report
