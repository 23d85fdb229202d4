#!/bin/sh
# The dbtcoach command as a user meets it: piped input, the skill list,
# --help and --version, and nothing written to disk.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"

# Piped input: no prompt, one reply per line, exit 0 at end of input.
HOME="$T/home" && mkdir -p "$HOME" && export HOME
printf 'hello\n' | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect_rc "piped hello" $? 0
expect "greeting" "$T/out" "practice aid"
expect "a reply to hello" "$T/out" "(Hi|Hello)\. "
expect_not "no prompt when piped" "$T/out" "you>"

# A whole exercise through a pipe, with a numbered choice.
printf 'stop skill\n7\nyell at my boss\n1\ndone\nmy fists are tight\nworse\ngo for a walk\n3\n' |
    timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect_rc "STOP through a pipe" $? 0
expect "STOP ends with the change" "$T/out" "from 7 to 3"

# Crisis words through a pipe, region from the environment.
printf 'I want to kill myself\n' | DBTCOACH_REGION=GB timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect "crisis reply for GB" "$T/out" "116 123"
expect "GB emergency number" "$T/out" "999"
printf 'I want to kill myself\n' | LANG=en_AU.UTF-8 LC_ALL= LC_MESSAGES= DBTCOACH_REGION= \
    timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect "region from the locale" "$T/out" "13 11 14"
printf 'help now\n' | timeout 20 "$BIN" --skills skills --region NZ >"$T/out" 2>&1
expect "help now shows the lines" "$T/out" "1737"

# quit ends the session with exit 0 even with more input after it.
printf 'quit\nhello\n' | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect_rc "quit" $? 0
expect "goodbye" "$T/out" "(Take care|Thanks for practising)"

# A NUL byte in a piped line: answered, no crash.
printf 'hi\000there\nmenu\n' | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
expect_rc "NUL byte in a piped line" $? 0
expect "and the next line is answered" "$T/out" "Here are the skills"

# Hostile bytes do not reach the terminal.
printf 'hi \033]0;owned\007 \033[2J there\n' | timeout 20 "$BIN" --skills skills >"$T/out" 2>&1
if grep -q "$(printf '\033')" "$T/out"; then no "an escape sequence reached the output"; else ok; fi

"$BIN" --skills skills skills >"$T/out" 2>&1
expect_rc "skills" $? 0
expect "skills lists STOP" "$T/out" "^stop	distress-tolerance	STOP$"

"$BIN" --version >"$T/out" 2>&1
expect "version" "$T/out" "^dbtcoach [0-9]+\.[0-9]+\.[0-9]+$"
"$BIN" --help >"$T/out" 2>&1
expect "help" "$T/out" "not a crisis"
"$BIN" --bogus >"$T/out" 2>&1
expect_rc "unknown option" $? 2

# Nothing is written under $HOME without --history.
if [ -n "$(find "$HOME" -mindepth 1 2>/dev/null)" ]; then no "files appeared under HOME"; else ok; fi

# The skills folder is found next to the binary when not given.
printf 'hello\n' | DBTCOACH_SKILLS= timeout 20 "$BIN" >"$T/out" 2>&1
expect "finds skills next to the binary" "$T/out" "practice aid"

"$BIN" --skills "$T/nowhere" >"$T/out" 2>&1 </dev/null
expect_rc "missing skills folder" $? 2
expect "says which folder" "$T/out" "nowhere"

report
