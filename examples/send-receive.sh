#!/bin/sh
# Sends and receives independently, as a WebSocket does: a tick every second, whatever the client does,
# and an answer to every message as soon as it arrives.
# Try: bin/wsbridge --port=8080 examples/send-receive.sh and open examples/send-receive.html.
(
  i=0
  while :; do
    i=$((i + 1))
    echo "tick $i"
    sleep 1
  done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null' EXIT

while IFS= read -r line; do
  echo "received: $line"
done
