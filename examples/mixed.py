#!/usr/bin/env python3
# Text and binary messages mixed both ways, boundaries kept (newlines inside messages are fine):
#   bin/wsbridge --port=8080 --framing=lengthprefixed examples/mixed.py
# A text message is answered with a text message: its lines, numbered. A binary message (say, a file) is
# answered with a text message describing it and a binary message with its bytes reversed.
import hashlib
import struct
import sys

inp, out = sys.stdin.buffer, sys.stdout.buffer


def send(payload: bytes, binary: bool) -> None:
    out.write(struct.pack('>I', (0x80000000 if binary else 0) | len(payload)) + payload)
    out.flush()


while True:
    head = inp.read(4)
    if len(head) < 4:
        break
    (header,) = struct.unpack('>I', head)
    payload = inp.read(header & 0x7fffffff)
    if header & 0x80000000:
        digest = hashlib.sha256(payload).hexdigest()
        send(f'binary message: {len(payload)} bytes, sha256 {digest}'.encode(), binary=False)
        send(payload[::-1], binary=True)
    else:
        lines = payload.decode('utf-8').split('\n')
        send('\n'.join(f'{i + 1}: {line}' for i, line in enumerate(lines)).encode('utf-8'), binary=False)
