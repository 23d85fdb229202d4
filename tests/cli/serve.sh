#!/bin/sh
# dbtcoach serve: the protocol over HTTP, its errors, health and metrics, the
# memory store, and the Redis store with two processes sharing one server:
# serialised turns, Redis stopped and back, a worker killed, a damaged state.
# Every address is 127.0.0.1; redis-server runs on a free port in a temp dir.
set -u
BIN=${1:-build/dbtcoach}
. "$(dirname "$0")/../lib.sh"

if ! command -v curl >/dev/null; then
    echo "note: serve test skipped (no curl)"
    report
    exit $?
fi

PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# start_serve NAME ARGS...: start a server, wait for its address in $NAME.url
start_serve() {
    name=$1
    shift
    "$BIN" --skills skills serve --listen 127.0.0.1:0 "$@" >"$T/$name.out" 2>"$T/$name.err" &
    echo $! >"$T/$name.pid"
    PIDS="$PIDS $!"
    i=0
    while [ $i -lt 100 ]; do
        url=$(sed -n 's|^listening on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$T/$name.out" 2>/dev/null)
        if [ -n "$url" ]; then
            echo "$url" >"$T/$name.url"
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    no "$name: serve did not start"
    sed 's/^/  | /' "$T/$name.err"
    echo "http://127.0.0.1:9" >"$T/$name.url"
    return 1
}

# post URL BODY OUT: POST a JSON body; the status in OUT.code, headers in OUT.h
post() {
    curl -s -o "$3" -D "$3.h" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data-binary "$2" "$1/v1/turn" >"$3.code"
}
expect_code() { # NAME FILE CODE
    if [ "$(cat "$2.code")" = "$3" ]; then ok; else no "$1: status $(cat "$2.code"), expected $3"; sed 's/^/  | /' "$2"; fi
}

# --- memory store
start_serve m
U=$(cat "$T/m.url")
post "$U" '{"session":"a","region":"US"}' "$T/r"
expect_code "greeting" "$T/r" 200
expect "greeting reply" "$T/r" '"session":"a","text":"Hi, I.m dbtcoach.*"crisis":false'
expect "security headers" "$T/r.h" 'Content-Security-Policy'
post "$U" '{"session":"a","text":"I want to practice the STOP skill"}' "$T/r"
expect "a turn" "$T/r" '"skill":"stop","step":"start"'
post "$U" '{"session":"a","text":"7"}' "$T/r"
expect "the session goes on" "$T/r" '"step":"urge"'
post "$U" '{"session":"a","text":"I want to kill myself"}' "$T/r"
expect "crisis over HTTP" "$T/r" '"crisis":true,"category":"suicide".*"tier":"crisis","hotlines":true,"region":"US"'
post "$U" '{"text":"hello"}' "$T/r"
expect_code "no session id" "$T/r" 200
expect "a new id is returned" "$T/r" '^\{"session":"[0-9a-f]{32}","text":'
post "$U" '{"session":"a","save":true}' "$T/r"
expect "save" "$T/r" '^\{"session":"a","state":\{"v":1'
post "$U" '{"session":"a","end":true}' "$T/r"
expect "end" "$T/r" '"ended":true'

post "$U" '{"session":"a","text":' "$T/r"
expect_code "malformed JSON" "$T/r" 400
expect "malformed JSON error" "$T/r" '^\{"error":"malformed JSON'
post "$U" '[1]' "$T/r"
expect_code "not an object" "$T/r" 400
post "$U" '{"session":"a","text":5}' "$T/r"
expect_code "wrong field type" "$T/r" 400
expect "wrong field type error" "$T/r" '"error":"\\"text\\" must be a string","session":"a"'
post "$U" '{"session":"g","restore":{"v":9,"mode":"coach"}}' "$T/r"
expect_code "a state that does not fit" "$T/r" 422
curl -s -o "$T/r" -w '%{http_code}' "$U/v1/turn" >"$T/r.code"
expect_code "GET on /v1/turn" "$T/r" 405
curl -s -o "$T/r" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' -d '{}' "$U/v1/turn" >"$T/r.code"
expect_code "wrong content type" "$T/r" 415
expect "errors are JSON" "$T/r" '^\{"error":'
head -c 70000 /dev/zero | tr '\0' 'a' >"$T/big"
curl -s -o "$T/r" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary @"$T/big" "$U/v1/turn" >"$T/r.code"
expect_code "body too big" "$T/r" 413
curl -s -o "$T/r" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$U/v1/turn" >"$T/r.code"
expect_code "chunked body too big" "$T/r" 413
curl -s -o "$T/r" -w '%{http_code}' "$U/nowhere" >"$T/r.code"
expect_code "unknown path" "$T/r" 404
curl -s -o "$T/r" -w '%{http_code}' "$U/healthz" >"$T/r.code"
expect_code "healthz" "$T/r" 200
expect "healthz body" "$T/r" '^\{"status":"ok","store":"memory"\}$'
curl -s -o "$T/r" -w '%{http_code}' "$U/" >"$T/r.code"
expect_code "the web chat" "$T/r" 200
expect "the web chat page" "$T/r" '<script src="app.js"'

# 20 turns at once on one session: each applied once, one after another.
post "$U" '{"session":"c"}' "$T/r"
i=0
jobs=""
while [ $i -lt 20 ]; do
    post "$U" '{"session":"c","text":"hello"}' "$T/c$i" &
    jobs="$jobs $!"
    i=$((i + 1))
done
for j in $jobs; do wait "$j"; done
post "$U" '{"session":"c","save":true}' "$T/r"
expect "memory: 20 parallel turns counted once each" "$T/r" '"n":20\}\}$'

curl -s "$U/metrics" >"$T/metrics"
expect "metrics: turns" "$T/metrics" '^dbtcoach_turns_total [0-9]+$'
expect "metrics: crisis by tier" "$T/metrics" '^dbtcoach_crisis_replies_total\{tier="crisis"\} 1$'
expect "metrics: latency histogram" "$T/metrics" '^dbtcoach_turn_duration_seconds_bucket\{le="\+Inf"\} [0-9]+$'
expect "metrics: store errors" "$T/metrics" '^dbtcoach_store_errors_total 0$'
expect "metrics: sessions" "$T/metrics" '^dbtcoach_sessions [0-9]+$'
cat "$T/m.out" "$T/m.err" >"$T/m.log"
expect_not "nothing a person types is logged" "$T/m.log" 'kill myself|STOP skill|hello'

# The plan is sent once; a later crisis reply carries it, and one without
# a plan has the lines alone.
post "$U" '{"session":"p","region":"US","plan":{"reasons":["my cat Miso"]}}' "$T/r"
post "$U" '{"session":"p","text":"I want to kill myself"}' "$T/r"
expect "memory: the plan in a later crisis reply" "$T/r" 'reasons for living: my cat Miso.*988'
post "$U" '{"session":"p2","region":"US","text":"I want to kill myself"}' "$T/r"
expect_not "memory: no plan, no plan block" "$T/r" 'my cat Miso'
expect "memory: the lines without a plan" "$T/r" '988'

# A cap on sessions, and idle sessions ended.
start_serve cap --max-sessions 2 --idle 1
C=$(cat "$T/cap.url")
post "$C" '{"session":"x1"}' "$T/r"
post "$C" '{"session":"x2"}' "$T/r"
post "$C" '{"session":"x3"}' "$T/r"
expect_code "a cap on sessions" "$T/r" 503
sleep 2.5
post "$C" '{"session":"x4"}' "$T/r"
expect_code "idle sessions are ended" "$T/r" 200

pid=$(cat "$T/m.pid")
kill -TERM "$pid"
wait "$pid"
expect_rc "SIGTERM exits 0" $? 0

# --- Redis
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "note: Redis part skipped (no redis-server)"
    report
    exit $?
fi
free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
    else
        echo $((20000 + $$ % 20000))
    fi
}
RP=$(free_port)
mkdir -p "$T/redis"
start_redis() {
    redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --dir "$T/redis" \
        >"$T/redis/log" 2>&1 &
    RPID=$!
    PIDS="$PIDS $RPID"
    i=0
    until redis-cli -p "$RP" ping >/dev/null 2>&1 || [ $i -ge 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}
start_redis
start_serve ra --store "redis://127.0.0.1:$RP"
start_serve rb --store "redis://127.0.0.1:$RP/0"
A=$(cat "$T/ra.url")
B=$(cat "$T/rb.url")

curl -s "$A/healthz" >"$T/r"
expect "redis: healthz" "$T/r" '^\{"status":"ok","store":"redis"\}$'
post "$A" '{"session":"s1","region":"US","text":"I want to practice the STOP skill"}' "$T/r"
expect "redis: a turn" "$T/r" '"skill":"stop","step":"start"'
redis-cli -p "$RP" --scan --pattern 'dbtcoach:*' >"$T/keys"
expect "redis: key with a hash tag" "$T/keys" '^dbtcoach:\{s1\}:state$'
expect_not "redis: the lock is released" "$T/keys" ':lock$'
redis-cli -p "$RP" ttl 'dbtcoach:{s1}:state' >"$T/ttl"
expect "redis: the state expires" "$T/ttl" '^[0-9]+$'
post "$B" '{"session":"s1","text":"7"}' "$T/r"
expect "redis: the other process continues the session" "$T/r" '"step":"urge"'
# The plan sent to one process is in the state the other restores.
post "$A" '{"session":"pl","region":"US","plan":{"reasons":["my cat Miso"]}}' "$T/r"
redis-cli -p "$RP" get 'dbtcoach:{pl}:state' >"$T/plstate"
expect "redis: the plan is in the stored state" "$T/plstate" 'my cat Miso'
post "$B" '{"session":"pl","text":"I want to kill myself"}' "$T/r"
expect "redis: the restored plan in the crisis reply" "$T/r" 'reasons for living: my cat Miso.*988'

# 20 at once on one session, spread over both processes.
post "$A" '{"session":"p"}' "$T/r"
i=0
jobs=""
while [ $i -lt 20 ]; do
    if [ $((i % 2)) -eq 0 ]; then S=$A; else S=$B; fi
    post "$S" '{"session":"p","text":"hello"}' "$T/p$i" &
    jobs="$jobs $!"
    i=$((i + 1))
done
for j in $jobs; do wait "$j"; done
n200=0
for f in "$T"/p*.code; do
    [ "$(cat "$f")" = 200 ] && n200=$((n200 + 1))
done
if [ "$n200" -eq 20 ]; then ok; else no "redis: 20 parallel turns answered ($n200 of 20)"; fi
post "$B" '{"session":"p","save":true}' "$T/r"
expect "redis: 20 parallel turns serialised, each applied once" "$T/r" '"n":20\}\}$'

# A worker killed: the other one carries on with its session.
post "$A" '{"session":"k","text":"I want to practice the STOP skill"}' "$T/r"
kill -9 "$(cat "$T/ra.pid")"
post "$B" '{"session":"k","text":"7"}' "$T/r"
expect "redis: after a worker is killed the session continues" "$T/r" '"step":"urge"'

# A damaged state: a new session, and the message is still screened.
redis-cli -p "$RP" set 'dbtcoach:{d}:state' '{"v":1,"mode":"skill","skill":"gone","step":"x"' >/dev/null
post "$B" '{"session":"d","text":"i want to kill myself"}' "$T/r"
expect_code "redis: a damaged state" "$T/r" 200
expect "redis: a damaged state is still screened" "$T/r" '"crisis":true'
expect "redis: a damaged state restarts" "$T/r" '"restarted":true'

# Redis stopped under load: every request gets 200 or 503, never a crash.
load() { # N: 40 requests in a row, their status codes in $T/load.N
    j=0
    while [ $j -lt 40 ]; do
        curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
            --data-binary "{\"session\":\"l$1\",\"text\":\"hello\"}" "$B/v1/turn"
        j=$((j + 1))
    done >"$T/load.$1"
}
jobs=""
for n in 1 2 3 4; do
    load $n &
    jobs="$jobs $!"
done
sleep 0.2
kill "$RPID"
wait "$RPID" 2>/dev/null
for j in $jobs; do wait "$j"; done
cat "$T"/load.* >"$T/load"
expect_not "redis stopped under load: only 200 or 503" "$T/load" '^([^25]|2[^0]|5[^0]|50[^3])'
expect "redis stopped under load: 503s" "$T/load" '^503$'

# Redis stopped: 503 with Retry-After, /healthz says down, the process lives.
post "$B" '{"session":"s1","text":"yell at my boss"}' "$T/r"
expect_code "redis down: 503" "$T/r" 503
expect "redis down: Retry-After" "$T/r.h" '^Retry-After: [0-9]+'
expect "redis down: a JSON error" "$T/r" '^\{"error":"the session store'
curl -s -o "$T/r" -w '%{http_code}' "$B/healthz" >"$T/r.code"
expect_code "redis down: healthz" "$T/r" 503
expect "redis down: healthz says down" "$T/r" '"status":"down"'
if kill -0 "$(cat "$T/rb.pid")" 2>/dev/null; then ok; else no "redis down: serve stays up"; fi

# Redis back: the service resumes without a restart (the state is gone with
# this Redis, which keeps nothing on disk: a new session).
start_redis
post "$B" '{"session":"s2","text":"I want to practice the STOP skill"}' "$T/r"
expect_code "redis back: 200" "$T/r" 200
expect "redis back: turns work again" "$T/r" '"skill":"stop"'
curl -s "$B/healthz" >"$T/r"
expect "redis back: healthz" "$T/r" '"status":"ok"'
curl -s "$B/metrics" >"$T/metrics"
expect "redis: store errors counted" "$T/metrics" '^dbtcoach_store_errors_total [1-9][0-9]*$'

pid=$(cat "$T/rb.pid")
kill -TERM "$pid"
wait "$pid"
expect_rc "redis: SIGTERM exits 0" $? 0
cat "$T"/r?.out "$T"/r?.err >"$T/r.log"
expect_not "redis: nothing a person types is logged" "$T/r.log" 'kill myself|STOP skill|hello'

report
