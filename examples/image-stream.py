#!/usr/bin/env python3
# Streams images to the browser, one binary WebSocket message per image, with a text caption after each.
# Run with length-prefixed framing, so each image arrives whole however large it is:
#   bin/wsbridge --port=8080 --framing=lengthprefixed examples/image-stream.py
# Every message on stdout is a 4-byte big-endian header (bit 31 set for binary, the rest the length) and the
# payload. The images are PNGs drawn here with the standard library only (no PIL needed).
# A text message from the client ("fps N") changes the frame rate.
import math
import struct
import sys
import threading
import time
import zlib

WIDTH, HEIGHT = 192, 120
out = sys.stdout.buffer
fps = 10.0


def send(payload: bytes, binary: bool) -> None:
    out.write(struct.pack('>I', (0x80000000 if binary else 0) | len(payload)) + payload)
    out.flush()


def png(width: int, height: int, rows) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    raw = b''.join(b'\x00' + bytes(row) for row in rows)  # filter type 0 on every row
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))


def plasma(t: float):
    for y in range(HEIGHT):
        row = bytearray(WIDTH * 3)
        for x in range(WIDTH):
            v = math.sin(x / 16 + t) + math.sin(y / 11 - t) + math.sin((x + y) / 23 + t / 2)
            row[3 * x] = int(128 + 127 * math.sin(v * math.pi / 2))
            row[3 * x + 1] = int(128 + 127 * math.sin(v * math.pi / 2 + 2))
            row[3 * x + 2] = int(128 + 127 * math.sin(v * math.pi / 2 + 4))
        yield row


def read_commands() -> None:
    global fps
    inp = sys.stdin.buffer
    while True:
        head = inp.read(4)
        if len(head) < 4:
            return
        (h,) = struct.unpack('>I', head)
        payload = inp.read(h & 0x7fffffff)
        if not h & 0x80000000 and payload.startswith(b'fps '):
            try:
                fps = min(60.0, max(0.5, float(payload[4:])))
            except ValueError:
                pass


threading.Thread(target=read_commands, daemon=True).start()
try:
    frame = 0
    while True:
        started = time.monotonic()
        image = png(WIDTH, HEIGHT, plasma(frame / 5))
        send(image, binary=True)
        send(f'frame {frame}: {len(image)} bytes\n{WIDTH}x{HEIGHT} PNG at {fps:g} fps'.encode(), binary=False)
        frame += 1
        time.sleep(max(0.0, 1 / fps - (time.monotonic() - started)))
except (BrokenPipeError, KeyboardInterrupt):
    pass
