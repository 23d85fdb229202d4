#!/bin/sh
# The terminal coach in a real pseudo-terminal (tmux): greeting, completion,
# Ctrl-C, crisis lines, a skippable timer, resize, Ctrl-D, and privacy.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
    echo "note: terminal tests skipped (no tmux)"
    report
    exit 0
fi
SOCK="dbtcoach-test-$$"
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
screen() { tm capture-pane -p -t c -S -200 >"$T/screen" 2>/dev/null; }
# wait_for NAME PATTERN: poll the screen for up to 10 s
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        screen
        if grep -qE -- "$2" "$T/screen"; then ok; return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    no "$1: /$2/ never appeared on the screen:"
    sed 's/^/  | /' "$T/screen" | tail -25
    return 1
}

H="$T/home"
mkdir -p "$H"
# start [VAR=value ...] [-- dbtcoach options]: a fresh coach in a fresh tmux
start() {
    env=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do env="$env $1"; shift; done
    [ $# -gt 0 ] && shift
    tm kill-server 2>/dev/null
    sleep 0.2
    tm new-session -d -s c -x 80 -y 40 \
        "cd '$PWD' && HOME='$H' XDG_STATE_HOME= TERM=xterm-256color $env $BIN --region US $*; echo EXIT=\$?; sleep 30"
}

start -- --skills skills
wait_for "greeting" "practice aid for DBT skills"
wait_for "prompt" "^you>"

tm send-keys -t c '/sk' Tab
wait_for "tab completes /skills" "^you> /skills"
tm send-keys -t c C-u

tm send-keys -t c 'half a sentence'
sleep 0.2
tm send-keys -t c C-c
wait_for "Ctrl-C clears the line" "half a sentence\^C"
tm send-keys -t c 'menu' Enter
wait_for "alive after Ctrl-C" "Here are the skills"

tm send-keys -t c 'I want to kill myself' Enter
wait_for "crisis words show the hotline" "988"
wait_for "and the emergency number" "911"

tm send-keys -t c 'stop skill' Enter
wait_for "STOP starts" "how strong is the urge"
tm send-keys -t c '7' Enter
tm send-keys -t c 'yell at my boss' Enter
wait_for "choices are numbered" "1\) ok"
tm send-keys -t c '1' Enter
wait_for "a number picks the choice" "T is for Take a step back"
wait_for "the timer runs" "breathe (in|out)"
tm send-keys -t c Enter
wait_for "Enter skips the timer" "timer skipped"

tm resize-window -t c -x 50 -y 40 2>/dev/null || tm resize-pane -t c -x 50
sleep 0.3
tm send-keys -t c 'done' Enter
wait_for "still answering after a resize" "O is for Observe"
screen
long=$(awk 'length > 50' "$T/screen" | grep -c "O is for Observe")
if [ "$long" -eq 0 ]; then ok; else no "replies wrap to the new width"; fi

tm send-keys -t c C-d
wait_for "Ctrl-D says goodbye" "(Take care|Thanks for practising)"
wait_for "and exits 0" "EXIT=0"

if [ -n "$(find "$H" -mindepth 1 2>/dev/null)" ]; then
    no "files were written under HOME without --history:"; find "$H"
else ok; fi

# With --history, the history is saved, private to the user.
start -- --skills skills --history
wait_for "history run starts" "^you>"
tm send-keys -t c 'hello' Enter
wait_for "history run answers" "(Hi|Hello)\."
tm send-keys -t c '/quit' Enter
wait_for "/quit exits 0" "EXIT=0"
f="$H/.local/state/dbtcoach/history"
if [ -f "$f" ] && [ "$(stat -c %a "$f")" = 600 ] && grep -q hello "$f"; then ok; else
    no "history file with mode 600 at $f"; ls -la "$H/.local/state/dbtcoach" 2>&1; fi

# /reload: a script error keeps the old scripts; a good change is picked up
# and the person stays where they were.
cp -R skills "$T/sk"
start -- --skills "'$T/sk'"
wait_for "reload run starts" "^you>"
tm send-keys -t c 'stop skill' Enter
wait_for "in STOP" "how strong is the urge"
tm send-keys -t c '6' Enter
wait_for "at the urge step" "what is the urge telling you to do"
printf 'id: [broken\n' >"$T/sk/mindfulness/zz-broken.yaml"
tm send-keys -t c '/reload' Enter
wait_for "a broken script is shown" "zz-broken.yaml:[0-9]+:[0-9]+: error"
wait_for "and the old scripts are kept" "still using the ones loaded before"
rm "$T/sk/mindfulness/zz-broken.yaml"
sed -i 's/The urge is to {urge|act right away}./The urge, reloaded, is to {urge|act right away}./' \
    "$T/sk/distress-tolerance/stop.yaml"
tm send-keys -t c '/reload' Enter
wait_for "reloaded" "Scripts reloaded"
tm send-keys -t c 'yell at my boss' Enter
wait_for "the person stays where they were, with the new text" "The urge, reloaded, is to yell at your boss"
tm send-keys -t c '/quit' Enter
wait_for "reload run exits 0" "EXIT=0"

# SIGTERM: the coach leaves cleanly and gives the terminal back.
start -- --skills skills
wait_for "SIGTERM run starts" "^you>"
tm send-keys -t c 'half typed'
sleep 0.2
pid=$(pgrep -n -f "$BIN --region US --skills skills$" || true)
if [ -n "$pid" ]; then
    kill -TERM "$pid"
    wait_for "SIGTERM ends the coach with status 0" "EXIT=0"
else
    no "could not find the coach's process"
fi

# Colour on a terminal, none with NO_COLOR.
tm capture-pane -e -p -t c -S -200 >"$T/esc"
if grep -q "$(printf '\033')\[36m" "$T/esc"; then ok; else no "colour on a terminal"; fi
start NO_COLOR=1 -- --skills skills
wait_for "NO_COLOR run starts" "^you>"
tm capture-pane -e -p -t c -S -200 >"$T/esc"
if grep -q "$(printf '\033')\[36m" "$T/esc"; then no "NO_COLOR still has colour"; else ok; fi
tm send-keys -t c 'quit' Enter
wait_for "quit exits 0" "EXIT=0"
report
