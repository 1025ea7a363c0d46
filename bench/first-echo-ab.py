#!/usr/bin/env python3
"""bench/first-echo-ab.py RUNS LAUNCHER [LAUNCHER ...]: launch -> first WebSocket echo of several builds, alternately.

Starts 'LAUNCHER --port=P --address=127.0.0.1 --loglevel=error /bin/cat' (P a free loopback port), connects from
this one process as soon as the port accepts (retrying every 2 ms, so no client process starts in the measured
window, unlike bench/startup.sh), does the handshake and echoes one message; then SIGTERM. Prints per launcher the
median wall time to the echo, the server's CPU time at the echo (/proc, 10 ms ticks) and over its whole life
(wait4, precise). Every wait is bounded (60 s to accept, 30 s per read). Loopback only.
Example: bench/first-echo-ab.py 20 ../main-build/bin/wsbridge bin/wsbridge"""
import os, sys, socket, time, signal, statistics, shlex
runs = int(sys.argv[1]); launchers = sys.argv[2:]
res = {l: [] for l in launchers}
def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p
def once(l):
    port = free_port()
    argv = shlex.split(l) + [f'--port={port}', '--address=127.0.0.1', '--loglevel=error', '/bin/cat']
    devnull = os.open('/dev/null', os.O_WRONLY)
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(devnull, 1); os.dup2(devnull, 2)
        os.execvp(argv[0], argv)
    os.close(devnull)
    try:
        while True:
            s = socket.socket()
            try:
                s.connect(('127.0.0.1', port)); break
            except ConnectionRefusedError:
                s.close()
                if time.monotonic() - t0 > 60: raise Exception('timeout')
                time.sleep(0.002)
        s.settimeout(30)
        s.sendall(b'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
        buf = b''
        while b'\r\n\r\n' not in buf:
            d = s.recv(4096)
            if not d: raise Exception('eof')
            buf += d
        assert buf.startswith(b'HTTP/1.1 101'), buf
        buf = buf.split(b'\r\n\r\n', 1)[1]
        mask = b'\x01\x02\x03\x04'; msg = b'hello'
        s.sendall(b'\x81\x85' + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(msg)))
        while len(buf) < 7:
            d = s.recv(4096)
            if not d: raise Exception('eof2')
            buf += d
        wall = (time.monotonic() - t0) * 1000
        assert buf[2:7] == b'hello', buf
        st = open(f'/proc/{pid}/stat').read(); f = st[st.rindex(')') + 2:].split()
        cpu_echo = (int(f[11]) + int(f[12])) * 10
        s.close()
    finally:
        os.kill(pid, signal.SIGTERM)
        _, status, ru = os.wait4(pid, 0)
    return wall, cpu_echo, (ru.ru_utime + ru.ru_stime) * 1000
for r in range(runs):
    for l in launchers:
        res[l].append(once(l))
print('load', open('/proc/loadavg').read().strip())
for l in launchers:
    x = res[l]
    w = [a for a, b, c in x]; e = [b for a, b, c in x]; c = [c for a, b, c in x]
    print(f'{l[-50:]:50s} wall med {statistics.median(w):6.0f} ms  cpu@echo med {statistics.median(e):4.0f}  cpu-life med {statistics.median(c):5.0f} ms  walls {" ".join("%d" % v for v in sorted(w))}')
