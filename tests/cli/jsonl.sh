#!/bin/sh
# The JSON-lines protocol: one reply line per request line, errors included;
# sessions, crisis flags, save and restore across processes.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"

cat >"$T/in" <<'REQ'
{"session":"a"}
{"session":"a","text":"I want to kill myself"}
this is not json
{"session":"b","text":"stop skill"}
{"session":"b","text":"7"}
{"session":"b","save":true}
{"session":"b","end":true}
{"session":"x","text":5}
{"session":"d","region":"GB","text":"i want to die"}
[]

{"text":"no session"}
{"session":"e","text":"hi","save":true}
{"session":"f","restore":{"v":1,"mode":"skill","skill":"stop","step":"stop","vars":{"urge":"yell"}},"region":"US"}
{"session":"f","text":"ok"}
{"session":"g","restore":{"v":7,"mode":"coach"}}
REQ
timeout 20 "$BIN" --skills skills --jsonl <"$T/in" >"$T/out" 2>"$T/err"
expect_rc "jsonl exit" $? 0
if [ "$(wc -l <"$T/in")" -eq "$(wc -l <"$T/out")" ]; then ok; else no "one reply line per request line"; cat "$T/out"; fi
sed -n 1p "$T/out" >"$T/l"; expect "greeting" "$T/l" '"session":"a","text":"Hi, I.m dbtcoach.*"crisis":false'
sed -n 2p "$T/out" >"$T/l"; expect "crisis flag" "$T/l" '"crisis":true,"category":"suicide"'
sed -n 3p "$T/out" >"$T/l"; expect "malformed line" "$T/l" '^\{"error":"malformed JSON.*","line":3\}$'
sed -n 4p "$T/out" >"$T/l"; expect "skill field" "$T/l" '"skill":"stop","step":"start"'
sed -n 5p "$T/out" >"$T/l"; expect "step field" "$T/l" '"step":"urge"'
sed -n 6p "$T/out" >"$T/l"; expect "save" "$T/l" '^\{"session":"b","state":\{.*"v":1'
sed -n 7p "$T/out" >"$T/l"; expect "end" "$T/l" '"ended":true'
sed -n 8p "$T/out" >"$T/l"; expect "wrong type" "$T/l" '"error":"\\"text\\" must be a string","line":8'
sed -n 9p "$T/out" >"$T/l"; expect "region on a request" "$T/l" '116 123'
sed -n 10p "$T/out" >"$T/l"; expect "not an object" "$T/l" '"line":10'
sed -n 11p "$T/out" >"$T/l"; expect "empty line" "$T/l" '"line":11'
sed -n 12p "$T/out" >"$T/l"; expect "no session" "$T/l" '"error":.*session'
sed -n 13p "$T/out" >"$T/l"; expect "one thing at a time" "$T/l" '"error":"a request does one thing'
sed -n 15p "$T/out" >"$T/l"; expect "timer as data" "$T/l" '"timer":\{"kind":"breathe","in":4'
sed -n 16p "$T/out" >"$T/l"; expect "restore from the future" "$T/l" 'newer version'

# NUL bytes: raw in a line, and escaped inside a JSON string.
printf '{"session":"n","text":"hi\000there"}\n{"session":"n","text":"a\\u0000b"}\n{"session":"n","text":"ok"}\n' |
    timeout 20 "$BIN" --skills skills --jsonl >"$T/nul" 2>&1
if [ "$(wc -l <"$T/nul")" -eq 3 ]; then ok; else no "one reply per line with NUL bytes"; cat "$T/nul"; fi
sed -n 1p "$T/nul" >"$T/l"; expect "a raw NUL byte is refused" "$T/l" 'must not contain NUL bytes'
sed -n 2p "$T/nul" >"$T/l"; expect "an escaped NUL is refused" "$T/l" '"error":"malformed JSON'
sed -n 3p "$T/nul" >"$T/l"; expect "the stream goes on" "$T/l" '"session":"n","text":'

# Save in one process, restore in another: the conversation continues.
state=$(sed -n 6p "$T/out" | sed 's/^{"session":"b","state":\(.*\)}$/\1/')
printf '{"session":"z","restore":%s}\n{"session":"z","text":"yell at my boss"}\n' "$state" |
    timeout 20 "$BIN" --skills skills --jsonl >"$T/out2" 2>&1
sed -n 1p "$T/out2" >"$T/l"; expect "restored" "$T/l" '"restored":true'
sed -n 2p "$T/out2" >"$T/l"; expect "continues the same conversation" "$T/l" 'The urge is to yell at your boss'

# A choice by its number, in JSON lines too, and still after a save and a
# restore in another process.
printf '{"session":"c1","text":"i want to text my ex so bad rn"}\n{"session":"c1","text":"3"}\n{"session":"c2","text":"i want to text my ex so bad rn"}\n{"session":"c2","save":true}\n' |
    timeout 20 "$BIN" --skills skills --jsonl >"$T/ch" 2>&1
sed -n 2p "$T/ch" >"$T/l"; expect "a bare number takes the third choice" "$T/l" '"skill":"tipp"'
state=$(sed -n 4p "$T/ch" | sed 's/^{"session":"c2","state":\(.*\)}$/\1/')
printf '{"session":"c3","restore":%s}\n{"session":"c3","text":"the second one"}\n' "$state" |
    timeout 20 "$BIN" --skills skills --jsonl >"$T/ch2" 2>&1
sed -n 2p "$T/ch2" >"$T/l"; expect "the offer survives a save and a restore" "$T/l" '"skill":"pros-and-cons"'

# Thousands of sessions in one process.
i=0
while [ $i -lt 3000 ]; do
    echo "{\"session\":\"s$i\",\"text\":\"I want to practice STOP\"}"
    i=$((i + 1))
done >"$T/many"
timeout 60 "$BIN" --skills skills --jsonl <"$T/many" >"$T/out3" 2>&1
if [ "$(grep -c '"skill":"stop"' "$T/out3")" -eq 3000 ]; then ok; else no "3000 sessions"; fi

report
