#!/bin/sh
# bench/compare.sh: wsbridge against Debian's websocketd (or the floor) with the neutral load generator in
# ../shared/bench (override with WSBENCH_DIR). Builds target/wsbridge.jar first if it is missing.
#
#   bench/compare.sh                 websocketd (A) vs wsbridge (B): every scenario, windowed (0.4.1 deadlocks
#                                    without a window), 5 rounds
#   bench/compare.sh unbounded       floor-echo (A, no child process: the machine's limit) vs wsbridge (B),
#                                    throughput and binary without a window
#   bench/compare.sh -- ARGS...      websocketd vs wsbridge with your own compare.sh flags
#                                    (e.g. -- --scenarios=churn --rounds=7)
# Results: the table on stdout; raw data in the --out directory compare.sh prints.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bench=${WSBENCH_DIR:-$top/../shared/bench}
if [ ! -x "$bench/compare.sh" ]; then
  echo "bench/compare.sh: no load generator at $bench (set WSBENCH_DIR)" >&2
  exit 1
fi
if [ ! -f "$top/target/wsbridge.jar" ]; then
  (cd "$top" && mvn -B -q -DskipTests package)
fi
command -v websocketd >/dev/null 2>&1 || "$bench/setup.sh"

# Both servers at their default log level, on loopback, with the same backend.
A='websocketd --port=%PORT% --address=127.0.0.1 %BINARY% %BACKEND%'
B="$top/bin/wsbridge --port=%PORT% --address=127.0.0.1 %BINARY% %BACKEND%"

mode=${1:-default}
[ $# -gt 0 ] && shift
case "$mode" in
  default)
    exec "$bench/compare.sh" --name-a=websocketd --name-b=wsbridge --rounds=5 \
      --args='--window-bytes=32768' "$A" "$B" ;;
  unbounded)
    exec "$bench/compare.sh" --name-a=floor-echo --name-b=wsbridge --rounds=5 \
      --scenarios=throughput,binary '%WSBENCH% floor-echo --port=%PORT%' "$B" ;;
  --)
    exec "$bench/compare.sh" --name-a=websocketd --name-b=wsbridge "$@" "$A" "$B" ;;
  *)
    echo "usage: bench/compare.sh [default|unbounded|-- COMPARE_FLAGS...]" >&2
    exit 1 ;;
esac
