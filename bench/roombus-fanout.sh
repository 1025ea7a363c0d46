#!/bin/sh
# bench/roombus-fanout.sh: the fanout scenario (../shared/bench, one room, cat as its program) with the clients
# split over two wsbridge instances sharing the room through Redis (--roombus, behind nginx round robin:
# examples/rooms-cluster/try-locally.sh) against the same clients on one instance alone (no bus, no proxy).
#
#   bench/roombus-fanout.sh [COMPARE_FLAGS...]     e.g. --rounds=5 --args='--fanout-clients=1000'
#
# B pays for nginx and for Redis (each message goes through the in and out streams once). The machine has 2
# cores shared by everything in the run (load generator, nginx, Redis, both JVMs): read the ratio, not the
# absolute numbers, and compare runs made at the same time.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bench=${WSBENCH_DIR:-$top/../shared/bench}
if [ ! -x "$bench/compare.sh" ]; then
  echo "bench/roombus-fanout.sh: no load generator at $bench (set WSBENCH_DIR)" >&2
  exit 1
fi
if [ ! -f "$top/target/wsbridge.jar" ]; then
  (cd "$top" && mvn -B -q -DskipTests package)
fi
A="$top/bin/wsbridge --port=%PORT% --address=127.0.0.1 --rooms %BACKEND%"
B="$top/examples/rooms-cluster/try-locally.sh --port=%PORT% --address=127.0.0.1 --instances=2 -- %BACKEND%"
exec "$bench/compare.sh" --name-a=one-instance --name-b=two-via-redis --scenarios=fanout --echo-backend=/bin/cat \
  --rounds=3 "$@" "$A" "$B"
