#!/bin/sh
# bench/compress.sh: what --compress costs and saves (README, "Compression"). Starts wsbridge with and without
# --compress (cat, --framing=lengthprefixed, loopback), runs bench/CompressionCost.java against each for a
# chat-like and a random workload, then per-connection memory, and stops the servers.
#   bench/compress.sh [MESSAGES] [CONNECTIONS]     (default 20000 messages, 200 connections)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
messages=${1:-20000}
connections=${2:-200}
[ -f "$top/target/wsbridge.jar" ] || (cd "$top" && mvn -B -q -DskipTests package)
port=$((20000 + $$ % 20000))
for mode in plain compress; do
  flags="--framing=lengthprefixed --maxframesize=1m --loglevel=error"
  [ "$mode" = compress ] && flags="$flags --compress"
  "$top/bin/wsbridge" --port=$port --address=127.0.0.1 $flags cat &
  pid=$!
  trap 'kill $pid 2>/dev/null' EXIT
  tries=0
  until java "$top/bench/CompressionCost.java" $port $pid chat 1 false >/dev/null 2>&1; do
    tries=$((tries + 1)); [ $tries -lt 50 ] || { echo "server did not start" >&2; exit 1; }; sleep 0.2
  done
  c=false; [ "$mode" = compress ] && c=true
  for workload in chat random; do
    java "$top/bench/CompressionCost.java" $port $pid $workload "$messages" $c
  done
  java "$top/bench/CompressionCost.java" $port $pid memory "$connections" $c
  kill $pid; wait $pid 2>/dev/null || true
  trap - EXIT
  port=$((port + 1))
done
