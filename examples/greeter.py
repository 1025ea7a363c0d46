#!/usr/bin/env python3
"""The greeter in Python: answers every message NAME with "Hello NAME!".

Buffering: when stdout is a pipe (as it is under wsbridge) Python collects output in 8 KiB blocks, so
without flush=True the answers would arrive late and all at once. `python3 -u` does the same for a whole
program.
"""
import sys

for line in sys.stdin:
    print(f"Hello {line.rstrip(chr(10) + chr(13))}!", flush=True)
