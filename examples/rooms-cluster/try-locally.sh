#!/bin/sh
# Rooms on several machines, on one machine: a Redis, N wsbridge instances sharing their rooms through it, and
# nginx in front spreading the clients over them, all on 127.0.0.1. Ctrl-C (or SIGTERM) stops everything.
#
#   examples/rooms-cluster/try-locally.sh [--port=8080] [--address=127.0.0.1] [--instances=2]
#                                         [-- WSBRIDGE_FLAGS... PROGRAM [ARGS...]]
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
while [ $# -gt 0 ]; do
  case "$1" in
    --port=*) port=${1#*=} ;;
    --address=*) addr=${1#*=} ;;
    --instances=*) instances=${1#*=} ;;
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
