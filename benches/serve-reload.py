#!/usr/bin/env python3
"""Measures podsmith serve's edit -> reload latency on a site.

Starts `podsmith serve --port 0` on loopback, listens to the live-reload
event stream, rewrites one episode file N times and times each write until
(1) the "reload" event arrives and (2) the page shows the new text.
Loopback only; every loop is bounded.

usage: benches/serve-reload.py PODSMITH_BINARY SITE_DIR EPISODE_FILE [N]
"""
import re, socket, statistics, subprocess, sys, time

binary, site, episode = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 10

proc = subprocess.Popen([binary, "serve", "--port", "0", "--root", site],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
try:
    deadline = time.time() + 60
    port = None
    rebuilt = []
    while time.time() < deadline and port is None:
        line = proc.stdout.readline()
        m = re.search(r"Serving http://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
    assert port, "serve did not start"

    events = socket.create_connection(("127.0.0.1", port), timeout=10)
    events.sendall(b"GET /__podsmith/events HTTP/1.1\r\nHost: x\r\n\r\n")
    buf = b""
    def wait_event(name, limit=10.0):
        global buf
        end = time.time() + limit
        while time.time() < end:
            idx = buf.find(b"\n\n")
            while idx >= 0:
                block, buf = buf[:idx], buf[idx + 2:]
                if b"event: " + name.encode() in block:
                    return True
                idx = buf.find(b"\n\n")
            buf += events.recv(65536)
        return False
    assert wait_event("hello")

    def get(path):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        return data.decode("utf-8", "replace")

    original = open(episode, encoding="utf-8").read()
    slug = episode.rsplit("/", 1)[-1][:-3]
    to_event, to_visible = [], []
    try:
        for i in range(runs):
            marker = f"Latency marker {i} {time.time()}"
            text = original.rstrip("\n") + f"\n\n{marker}\n"
            t0 = time.perf_counter()
            with open(episode, "w", encoding="utf-8") as f:
                f.write(text)
            assert wait_event("reload"), "no reload event"
            t1 = time.perf_counter()
            end = time.time() + 10
            while marker not in get(f"/episodes/{slug}/") and time.time() < end:
                time.sleep(0.002)
            t2 = time.perf_counter()
            to_event.append((t1 - t0) * 1000)
            to_visible.append((t2 - t0) * 1000)
            time.sleep(0.3)
    finally:
        with open(episode, "w", encoding="utf-8") as f:
            f.write(original)
    time.sleep(0.5)
    proc.kill()
    out = proc.stdout.read()
    rebuilt = [int(x) for x in re.findall(r"Rebuilt in (\d+) ms", out)]
    fmt = lambda xs: f"median {statistics.median(xs):.0f} ms, min {min(xs):.0f}, max {max(xs):.0f}"
    print(f"runs: {runs}")
    print(f"edit -> reload event: {fmt(to_event)}")
    print(f"edit -> new page served: {fmt(to_visible)}")
    if rebuilt:
        print(f"'Rebuilt in' (printed): {fmt(rebuilt)}")
finally:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
