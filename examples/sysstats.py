#!/usr/bin/env python3
# A dashboard feed: every second one JSON message with the machine's load and memory figures. Such
# repetitive JSON is what permessage-deflate is for; serve it with --compress:
#   bin/wsbridge --port=8080 --compress examples/sysstats.py
# The page shows what the browser agreed to (WebSocket.extensions) next to the figures. The program is the
# same with or without compression.
import json
import time


def meminfo():
    figures = {}
    with open('/proc/meminfo') as f:
        for line in f:
            name, value = line.split(':', 1)
            figures[name] = int(value.split()[0])
    return figures


for i in range(1, 100000):
    with open('/proc/loadavg') as f:
        load = f.read().split()
    print(json.dumps({'seq': i, 'time': time.strftime('%H:%M:%S'), 'load': [float(x) for x in load[:3]],
                      'meminfo_kib': meminfo()}), flush=True)
    time.sleep(1)
