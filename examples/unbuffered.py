#!/usr/bin/env python3
# A program that never flushes: plain print(), no flush=True, no -u. On a pipe Python buffers its output in
# 8 KiB blocks, so without help nothing would arrive for minutes. Serve it with --linebuffered:
#   bin/wsbridge --port=8080 --linebuffered examples/unbuffered.py
# and every line arrives as it is printed (wsbridge sets PYTHONUNBUFFERED=1 for it).
import sys
import threading
import time


def answer():
    for line in sys.stdin:
        print('you said: ' + line.strip())


threading.Thread(target=answer, daemon=True).start()
for i in range(1, 1000):
    print(f'tick {i} at {time.strftime("%H:%M:%S")}')
    time.sleep(1)
