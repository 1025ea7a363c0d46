#!/bin/sh
# bench/idle-rss.sh [RUNS] [LAUNCHER ...]: the resident memory (VmRSS, and its anonymous and file parts, from
# /proc/PID/status) of an idle `LAUNCHER --port=P --address=127.0.0.1 cat`:
#   start: 3 s after the port listens, no connection yet;
#   after: 3 s after 20 sequential connections (connect, one echo, close) and 200 round trips on one came and went.
# Launchers run alternately, RUNS times each (default 5; launcher default: this tree's bin/wsbridge); medians
# in kB. Loopback only; uses the wsbench client from ../shared/bench (WSBENCH_DIR).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bench=${WSBENCH_DIR:-$top/../shared/bench}
wsbench=$("$bench/setup.sh" --print-bin)
runs=${1:-5}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- "$top/bin/wsbridge"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
sample() { echo "$(field "$1" VmRSS) $(field "$1" RssAnon) $(field "$1" RssFile) $(field "$1" Threads)"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
  n=0
  for launcher in "$@"; do
    n=$((n + 1))
    port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 ))
    # shellcheck disable=SC2086  # a launcher may be a command with arguments
    $launcher --port=$port --address=127.0.0.1 --loglevel=error cat >/dev/null 2>&1 &
    pid=$!
    deadline=$(( $(date +%s) + 30 ))
    until ss -ltnH "sport = :$port" | grep -q .; do
      [ "$(date +%s)" -lt "$deadline" ] || { echo "$launcher: port $port never listened" >&2; kill $pid; exit 1; }
      sleep 0.05
    done
    sleep 3
    sample $pid >> "$out/$n.start"
    "$wsbench" --url=ws://127.0.0.1:$port/ --scenario=churn --c=20 --churn-warmup=0 --quiet --timeout=60 >/dev/null
    "$wsbench" --url=ws://127.0.0.1:$port/ --scenario=latency --n=200 --latency-warmup=0 --quiet --timeout=60 >/dev/null
    sleep 3
    sample $pid >> "$out/$n.after"
    kill -TERM $pid; wait $pid 2>/dev/null || true
  done
done
n=0
for launcher in "$@"; do
  n=$((n + 1))
  for when in start after; do
    printf '%-6s rss %6s kB  anon %6s  file %6s  threads %3s   %s\n' "$when" \
      "$(cut -d' ' -f1 "$out/$n.$when" | median)" "$(cut -d' ' -f2 "$out/$n.$when" | median)" \
      "$(cut -d' ' -f3 "$out/$n.$when" | median)" "$(cut -d' ' -f4 "$out/$n.$when" | median)" "$launcher"
  done
  echo "       all rss (start): $(cut -d' ' -f1 "$out/$n.start" | tr '\n' ' ') (after): $(cut -d' ' -f1 "$out/$n.after" | tr '\n' ' ')"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
