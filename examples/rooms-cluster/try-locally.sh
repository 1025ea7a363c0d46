#!/bin/sh
# Rooms on several machines, on one machine: a Redis, N wsbridge instances sharing their rooms through it, and
# nginx in front spreading the clients over them, all on 127.0.0.1. Ctrl-C (or SIGTERM) stops everything.
#
#   examples/rooms-cluster/try-locally.sh [--port=8080] [--address=127.0.0.1] [--instances=2] [--front=nginx]
#                                         [-- WSBRIDGE_FLAGS... PROGRAM [ARGS...]]
#
# --front=socket: no nginx; the instances share one listening socket on PORT instead (systemd's socket
# activation, by systemd-socket-activate), and the kernel hands each new connection to one of them. That is
# two instances on one machine, e.g. for a rolling restart, and it measures the room bus without a proxy.
#
# Without a program: --roomjson --roomhistory=20 and examples/chat/room.py with its page, else cat. Then open
# http://127.0.0.1:8080/ in two browsers, or: wscat -c ws://127.0.0.1:8080/room (twice). Ports: nginx on
# PORT, the instances on PORT+1.., their metrics and health checks on PORT+201.. (curl
# http://127.0.0.1:8281/metrics | grep room, or /readyz: 503 while Redis is down), Redis on PORT+100. WSBRIDGE (default: bin/wsbridge of this checkout, else
# wsbridge on PATH), NGINX and REDIS_SERVER name the binaries (redis-cli comes with redis-server).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=8080
addr=127.0.0.1
instances=2
front=nginx
while [ $# -gt 0 ]; do
  case "$1" in
    --port=*) port=${1#*=} ;;
    --address=*) addr=${1#*=} ;;
    --instances=*) instances=${1#*=} ;;
    --front=nginx|--front=socket) front=${1#*=} ;;
    --front=*) echo "try-locally: --front is nginx or socket, not ${1#*=}" >&2; exit 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
  shift
done
if [ $# -eq 0 ]; then
  if [ -x "$here/../chat/room.py" ]; then
    set -- --roomjson --roomhistory=20 --staticdir="$here/../chat" "$here/../chat/room.py"
  else
    set -- cat
  fi
fi
wsbridge=${WSBRIDGE:-wsbridge}
if [ -z "${WSBRIDGE:-}" ] && [ -x "$here/../../bin/wsbridge" ]; then
  wsbridge="$here/../../bin/wsbridge"
fi
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
redis=${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}
redis_cli=$(command -v redis-cli || echo /usr/bin/redis-cli)
redis_port=$((port + 100))

work=$(mktemp -d)
pids=""
stop() {
  trap - EXIT INT TERM
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $pids; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 0' INT TERM

"$redis" --port "$redis_port" --bind "$addr" --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
pids="$pids $!"
i=0
until "$redis_cli" -h "$addr" -p "$redis_port" ping >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 200 ] || { echo "redis did not start: $(cat "$work/redis.log")" >&2; exit 1; }
  sleep 0.05
done

if [ "$front" = socket ]; then
  activate=$(command -v systemd-socket-activate || echo /usr/bin/systemd-socket-activate)
  [ -x "$activate" ] || { echo "try-locally: --front=socket needs systemd-socket-activate (Debian: systemd)" >&2; exit 1; }
  # One listening socket (descriptor 3) for every instance; each is told it is the one the socket is for.
  cat > "$work/instances.sh" <<'SH'
#!/bin/sh
# instances.sh WSBRIDGE ADDR REDIS_PORT METRICS_PORT INSTANCES FLAGS... PROGRAM...: started with the socket as fd 3
wsbridge=$1 addr=$2 redis_port=$3 metrics=$4 instances=$5
shift 5
kids=""
trap 'kill $kids 2>/dev/null; wait; exit 0' INT TERM
n=1
while [ "$n" -le "$instances" ]; do
  LISTEN_FDS=1 sh -c 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"' instance "$wsbridge" --address="$addr" \
    --rooms --roombus="redis://$addr:$redis_port" --metrics="$addr:$((metrics + n))" "$@" &
  kids="$kids $!"
  n=$((n + 1))
done
wait
SH
  "$activate" -l "$addr:$port" sh "$work/instances.sh" "$wsbridge" "$addr" "$redis_port" "$((port + 200))" \
    "$instances" "$@" &
  pids="$pids $!"
  echo "try-locally: $instances wsbridge instances sharing $addr:$port -> redis on $addr:$redis_port;" \
    "metrics on $addr:$((port + 201))..$((port + 200 + instances))" >&2
  wait
  exit 0
fi

upstreams=""
n=1
while [ "$n" -le "$instances" ]; do
  p=$((port + n))
  "$wsbridge" --address="$addr" --port="$p" --trustproxy="$addr" --rooms \
    --roombus="redis://$addr:$redis_port" --metrics="$addr:$((p + 200))" "$@" &
  pids="$pids $!"
  upstreams="$upstreams    server $addr:$p max_fails=0;
"
  n=$((n + 1))
done

mkdir -p "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  upstream wsbridge {
$upstreams  }
  server {
    listen $addr:$port;
    location / {
      proxy_pass http://wsbridge;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_read_timeout 1h;
    }
  }
}
CONF
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids="$pids $!"
echo "try-locally: nginx on $addr:$port -> $instances wsbridge instances -> redis on $addr:$redis_port;" \
  "metrics on $addr:$((port + 201))..$((port + 200 + instances))" >&2
wait
