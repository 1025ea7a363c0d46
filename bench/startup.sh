#!/bin/sh
# bench/startup.sh [RUNS]: how fast wsbridge starts, as a user sees it.
#   1. `wsbridge --version` (JVM start, no server), median of RUNS
#   2. launch -> first WebSocket echo: start `wsbridge ... cat`, connect and echo one message as soon as it
#      accepts (the client retries every few ms), median of RUNS
# Uses bin/wsbridge (so the AppCDS archive next to the jar is used when present) and the wsbench client
# from ../shared/bench (WSBENCH_DIR). Loopback only.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bench=${WSBENCH_DIR:-$top/../shared/bench}
runs=${1:-10}
wsbench=$("$bench/setup.sh" --print-bin)
[ -f "$top/target/wsbridge.jar" ] || (cd "$top" && mvn -B -q -DskipTests package)

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

versions=""
for i in $(seq "$runs"); do
  t0=$(now_ms); "$top/bin/wsbridge" --version >/dev/null; t1=$(now_ms)
  versions="$versions $((t1 - t0))"
done
echo "--version: median $(echo $versions | tr ' ' '\n' | median) ms over $runs runs ($versions )"

# A random port may be taken; the server then exits at once and the run is started again on another.
firsts=""
for i in $(seq "$runs"); do
  ok=""
  for try in 1 2 3 4 5; do
    port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 ))
    t0=$(now_ms)
    "$top/bin/wsbridge" --port=$port --address=127.0.0.1 --loglevel=error cat >/dev/null 2>&1 &
    pid=$!
    for attempt in $(seq 2000); do
      if "$wsbench" --url=ws://127.0.0.1:$port/ --scenario=latency --n=1 --latency-warmup=0 --quiet \
          --io-timeout=2 --timeout=5 >/dev/null 2>&1; then
        ok=1; break
      fi
      kill -0 $pid 2>/dev/null || break # it exited: most likely the port was taken
    done
    t1=$(now_ms)
    kill -TERM $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    [ -n "$ok" ] && break
    echo "server on port $port did not answer (try $try)" >&2
  done
  [ -n "$ok" ] || { echo "no server answered in 5 tries" >&2; exit 1; }
  firsts="$firsts $((t1 - t0))"
done
echo "launch -> first echo: median $(echo $firsts | tr ' ' '\n' | median) ms over $runs runs ($firsts )"
