#!/bin/sh
# The diary and the safety plan from the command line: nothing on disk before
# "diary on", each command, the files private, exports readable and escaped,
# a kept plan in the crisis reply, forget.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"

HOME="$T/home" && mkdir -p "$HOME" && export HOME
unset XDG_DATA_HOME DBTCOACH_DATA
DATA="$HOME/.local/share/dbtcoach"
STOP='stop skill\n7\nyell at my boss\nok\ndone\nmy fists are tight\nworse\ngo for a walk\n3\n'
CARD='diary\n2\n1\n0\n0\n0\n3\nlonely\n4\n1\n0\n0\nno\nno\nno\nSTOP, wise mind\n5\nslept <b>badly</b> & "late"\n'

# Off until turned on: an exercise and a card leave nothing on disk.
printf "$STOP$CARD" | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect_rc "a session with the diary off" $? 0
expect "the card says it was not kept" "$T/out" "diary is off, so this card was not kept"
if [ -e "$DATA" ] || [ -n "$(find "$HOME" -type f)" ]; then no "nothing written before diary on"; else ok; fi
timeout 20 "$BIN" diary show >"$T/out" 2>&1
expect_rc "diary show with no diary" $? 1
expect "says there is none" "$T/out" "no diary in"

# diary on: one sentence of what is kept and where; asks unless --yes.
printf 'n\n' | timeout 20 "$BIN" diary on >"$T/out" 2>&1
expect_rc "diary on, declined" $? 1
expect "says what is kept" "$T/out" "keeps your daily cards and each exercise.*dbtcoach\.db"
if [ -e "$DATA/dbtcoach.db" ]; then no "declining writes nothing"; else ok; fi
timeout 20 "$BIN" diary on --yes >"$T/out" 2>&1
expect_rc "diary on --yes" $? 0
expect "the diary is on" "$T/out" "diary is on"
[ "$(stat -c %a "$DATA")" = 700 ] && ok || no "data folder mode 0700, is $(stat -c %a "$DATA")"
[ "$(stat -c %a "$DATA/dbtcoach.db")" = 600 ] && ok || no "database mode 0600"
[ "$(sqlite3 "$DATA/dbtcoach.db" 'PRAGMA journal_mode')" = wal ] && ok || no "WAL mode"

# With the diary on, an exercise and a card are kept without asking.
printf "$STOP$CARD" | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect_not "no message about the card" "$T/out" "not kept"
[ "$(sqlite3 "$DATA/dbtcoach.db" 'SELECT count(*) FROM practice')" = 1 ] && ok || no "one practice row"
[ "$(sqlite3 "$DATA/dbtcoach.db" 'SELECT count(*) FROM card')" = 1 ] && ok || no "one card"

# The same day's card again changes it: one card, the new answer in it.
printf 'diary\n5\n' | timeout 20 "$BIN" --skills skills >/dev/null 2>&1
printf 'diary\n4\nskip\nskip\nskip\nskip\nskip\nno\nskip\nskip\nskip\nskip\nskip\nno\nskip\nskip\nno\n' |
    timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
[ "$(sqlite3 "$DATA/dbtcoach.db" 'SELECT count(*) FROM card')" = 1 ] && ok || no "still one card"
sqlite3 "$DATA/dbtcoach.db" 'SELECT answers FROM card' >"$T/card"
expect "the edit changed sadness" "$T/card" '"emotion_sadness":"4"'
expect "and kept the rest" "$T/card" '"skills_used":"STOP, wise mind"'

# diary show: the grid, sparklines, the practice log.
timeout 20 "$BIN" diary show >"$T/out" 2>&1
expect_rc "diary show" $? 0
expect "a row per emotion" "$T/out" "^sadness +(\. +){6}4 "
expect "urge rows" "$T/out" "^urge: suicide"
expect "a sparkline" "$T/out" "▆|▅|▃"
expect "the practice log" "$T/out" "STOP +\(urge 7 -> 3\)"
timeout 20 "$BIN" diary show --days 14 >"$T/out" 2>&1
expect "--days 14" "$T/out" "last 14 days"
printf 'diary show\nquit\n' | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect "diary show in the coach" "$T/out" "Skills practised \(1\)"

# Exports.
timeout 20 "$BIN" diary export --csv "$T/d.csv"
expect_rc "export --csv" $? 0
expect "CSV header" "$T/d.csv" "^kind,date,time,skill,emotion_sadness"
[ "$(wc -l <"$T/d.csv")" -eq 3 ] && ok || no "CSV: header, one card, one practice"
expect "CSV quotes" "$T/d.csv" '""late""'
timeout 20 "$BIN" diary export --json "$T/d.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['cards'])==1 and len(d['practice'])==1" "$T/d.json" && ok || no "JSON export"
timeout 20 "$BIN" diary export --html "$T/d.html"
expect "an HTML page" "$T/d.html" "<!DOCTYPE html>"
expect "escaped" "$T/d.html" "slept &lt;b&gt;badly&lt;/b&gt; &amp; &quot;late&quot;"
expect_not "no raw HTML from the person" "$T/d.html" "<b>badly"
expect_not "no scripts" "$T/d.html" "<script|javascript:|src="
expect "print CSS" "$T/d.html" "@media print"

# diary off keeps what was kept and adds nothing.
timeout 20 "$BIN" diary off >"$T/out" 2>&1
expect "diary off" "$T/out" "diary is off"
printf "$STOP" | timeout 20 "$BIN" --skills skills >/dev/null 2>&1
[ "$(sqlite3 "$DATA/dbtcoach.db" 'SELECT count(*) FROM practice')" = 1 ] && ok || no "off: nothing new"
timeout 20 "$BIN" diary on --yes >/dev/null 2>&1

# The safety plan: built, kept when the person says so, shown in a crisis.
PLAN='safety plan\nstart\ncant sleep\nwalk the dog\nskip\nSam 07700 900123\nskip\nskip\nmy cat Miso\nthats it\n'
printf "${PLAN}don't keep it\n" | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect "shown to copy" "$T/out" "My reasons for living: my cat Miso"
expect "not kept" "$T/out" "was not kept"
timeout 20 "$BIN" plan show >"$T/out" 2>&1
expect_rc "no plan kept yet" $? 1
printf "${PLAN}keep it\n" | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect "kept" "$T/out" "safety plan is kept in"
timeout 20 "$BIN" plan show >"$T/out" 2>&1
expect "plan show" "$T/out" "Sam: 07700 900123"
timeout 20 "$BIN" plan export --html "$T/p.html"
expect "plan page" "$T/p.html" "My reasons for living"
expect_not "plan page has no scripts" "$T/p.html" "<script"
printf 'I want to kill myself\n' | timeout 20 "$BIN" --skills skills --region GB >"$T/out" 2>&1
expect "the plan in the crisis reply" "$T/out" "reasons for living: my cat Miso"
expect "and the lines, always" "$T/out" "116 123"
awk '/my cat Miso/{p=NR} /116 123/{l=NR} END{exit !(p && l && p < l)}' "$T/out" && ok || no "plan before the lines"
printf 'y\n' | timeout 20 "$BIN" plan forget >"$T/out" 2>&1
expect "plan forget" "$T/out" "no longer kept"
printf 'I want to kill myself\n' | timeout 20 "$BIN" --skills skills --region GB >"$T/out" 2>&1
expect_not "no plan after forget" "$T/out" "my cat Miso"
expect "the lines without a plan" "$T/out" "116 123"

# A full or unwritable folder: a clear message, and the conversation goes on.
DBTCOACH_DATA=/proc/1/dbtcoach-test timeout 20 "$BIN" diary on --yes >"$T/out" 2>&1
expect_rc "diary on in an unwritable place" $? 1
expect "a clear message" "$T/out" "cannot be made|read-only|permission"
printf "${PLAN}keep it\nhi\n" | DBTCOACH_DATA=/proc/1/dbtcoach-test timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect_rc "the conversation goes on" $? 0
expect "says the plan could not be kept" "$T/out" "cannot be made"
expect "and answers the next line" "$T/out" "(Hi|Hello)\. "

# --data and DBTCOACH_DATA choose the folder.
timeout 20 "$BIN" --data "$T/elsewhere" diary on --yes >/dev/null 2>&1
[ -f "$T/elsewhere/dbtcoach.db" ] && ok || no "--data DIR"
DBTCOACH_DATA="$T/env" timeout 20 "$BIN" diary on --yes >/dev/null 2>&1
[ -f "$T/env/dbtcoach.db" ] && ok || no "DBTCOACH_DATA"

# forget: asks, then deletes everything and says so.
printf 'n\n' | timeout 20 "$BIN" diary forget >"$T/out" 2>&1
[ -f "$DATA/dbtcoach.db" ] && ok || no "forget declined keeps the diary"
timeout 20 "$BIN" diary forget --yes >"$T/out" 2>&1
expect_rc "diary forget --yes" $? 0
expect "says so" "$T/out" "Deleted"
[ -z "$(ls -A "$DATA")" ] && ok || no "no files left: $(ls -A "$DATA")"

report
