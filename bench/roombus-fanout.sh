#!/bin/sh
# bench/roombus-fanout.sh: the fanout scenario (../shared/bench, one room, cat as its program) with the clients
# split over two wsbridge instances sharing the room through Redis (--roombus; examples/rooms-cluster/
# try-locally.sh) against the same clients on one instance alone (no bus, no proxy).
#
#   bench/roombus-fanout.sh [--front=socket|nginx] [COMPARE_FLAGS...]   e.g. --rounds=5 --args='--fanout-clients=1000'
#
# --front=socket (default): both instances accept from one listening socket (the kernel splits the clients),
# so B differs from A by the bus alone: Redis (each message goes through the in and out streams once) and the
# second JVM. --front=nginx: nginx round robin in front, as on several machines; B then also pays for nginx
# relaying every delivery (one nginx worker). The machine has 2 cores shared by everything in the run (load
# generator, Redis, nginx, both JVMs): read the ratio, not the absolute numbers, and compare runs made at the
# same time.
set -eu
front=socket
case "${1:-}" in
  --front=socket|--front=nginx) front=${1#*=}; shift ;;
  --front=*) echo "bench/roombus-fanout.sh: --front is socket or nginx" >&2; exit 2 ;;
esac
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
B="$top/examples/rooms-cluster/try-locally.sh --port=%PORT% --address=127.0.0.1 --instances=2 --front=$front -- %BACKEND%"
exec "$bench/compare.sh" --name-a=one-instance --name-b=two-via-redis-$front --scenarios=fanout --echo-backend=/bin/cat \
  --rounds=3 "$@" "$A" "$B"
