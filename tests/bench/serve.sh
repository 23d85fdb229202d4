#!/bin/sh
# make bench-serve: wrk on 127.0.0.1 against `dbtcoach serve` with the memory
# store and with Redis, and against bare_http (the same libmicrohttpd set-up
# answering a fixed body) as the limit; at 1, 16 and 64 connections.
#   tests/bench/serve.sh BUILD_DIR     (BENCH_SECONDS=5, BENCH_THREADS=2)
set -u
B=${1:-build}
SECS=${BENCH_SECONDS:-5}
THREADS=${BENCH_THREADS:-2}
T=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_up() { # URL
    i=0
    until curl -s -o /dev/null "$1" || [ $i -ge 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

RP=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --dir "$T" >"$T/redis.log" 2>&1 &
PIDS="$PIDS $!"
BP=$(free_port)
"$B/bench_bare_http" "$BP" "$THREADS" >/dev/null &
PIDS="$PIDS $!"
MP=$(free_port)
"$B/dbtcoach" --skills skills serve --listen "127.0.0.1:$MP" --threads "$THREADS" >/dev/null &
PIDS="$PIDS $!"
until redis-cli -p "$RP" ping >/dev/null 2>&1; do sleep 0.05; done
XP=$(free_port)
"$B/dbtcoach" --skills skills serve --listen "127.0.0.1:$XP" --threads "$THREADS" \
    --store "redis://127.0.0.1:$RP" >/dev/null &
PIDS="$PIDS $!"
for p in $BP $MP $XP; do wait_up "http://127.0.0.1:$p/healthz"; done

# run NAME PORT CONNS: one wrk run; prints "req/s p50_ms p99_ms errors"
run() {
    t=2
    [ "$3" -lt 2 ] && t=1
    wrk -t"$t" -c"$3" -d"${SECS}s" --latency -s tests/bench/serve_post.lua \
        "http://127.0.0.1:$2/v1/turn" >"$T/wrk" 2>&1
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$T/wrk")
    p50=$(awk '$1=="50%"{print $2}' "$T/wrk")
    p99=$(awk '$1=="99%"{print $2}' "$T/wrk")
    errs=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$T/wrk")
    echo "${rps:-0} $(ms "$p50") $(ms "$p99") ${errs:-0}"
}
ms() { # a wrk duration (812.00us, 1.20ms, 2.00s) in milliseconds
    echo "$1" | awk '/us$/{sub("us","");printf "%.3f",$1/1000;next} /ms$/{sub("ms","");printf "%.3f",$1;next}
        /s$/{sub("s","");printf "%.3f",$1*1000;next} {print "?"}'
}

echo "wrk on 127.0.0.1, ${SECS} s a run, serve with $THREADS threads, $(nproc) cores"
printf '%-8s %5s %10s %9s %9s %7s %6s\n' store conns 'req/s' 'p50 ms' 'p99 ms' 'of bare' non2xx
for c in 1 16 64; do
    set -- $(run bare "$BP" "$c")
    bare=$1
    printf '%-8s %5d %10.0f %9s %9s %7s %6s\n' bare "$c" "$1" "$2" "$3" "100%" "$4"
    for s in memory redis; do
        if [ $s = memory ]; then p=$MP; else p=$XP; fi
        set -- $(run $s "$p" "$c")
        ratio=$(awk -v a="$1" -v b="$bare" 'BEGIN{printf "%.0f%%", (b > 0 ? 100 * a / b : 0)}')
        printf '%-8s %5d %10.0f %9s %9s %7s %6s\n' "$s" "$c" "$1" "$2" "$3" "$ratio" "$4"
    done
done
