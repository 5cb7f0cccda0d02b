#!/usr/bin/env python3
"""Measures `podsmith serve`'s rebuild after editing one episode.

Starts `podsmith serve --port 0` on a site, appends a line to one episode
file RUNS times (waiting for each rebuild) and prints the "Rebuilt in N ms"
figures serve reports and their median. The episode file is restored at
the end. Every wait is bounded.

usage: benches/serve-rebuild.py PODSMITH_BINARY SITE_DIR EPISODE_FILE [RUNS]
"""
import re, statistics, subprocess, sys, threading, time, queue

binary, site, episode = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
original = open(episode, encoding="utf-8").read()
proc = subprocess.Popen([binary, "serve", "--port", "0", "--root", site],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
lines = queue.Queue()
threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True).start()

def wait_for(pattern, limit=120.0):
    end = time.time() + limit
    while time.time() < end:
        try:
            line = lines.get(timeout=max(0.01, end - time.time()))
        except queue.Empty:
            break
        m = re.search(pattern, line)
        if m:
            return m
    raise SystemExit(f"timed out waiting for {pattern!r}")

try:
    first = wait_for(r"in (\d+) ms")
    print("first build:", first.group(0), flush=True)
    wait_for(r"Serving http")
    times = []
    for i in range(runs):
        time.sleep(0.5)
        with open(episode, "a", encoding="utf-8") as f:
            f.write(f"\nAn added line, edit {i}.\n")
        m = wait_for(r"(Rebuilt|failed) (in|after) (\d+) ms")
        times.append(int(m.group(3)))
    print("rebuilds ms:", times, "median:", statistics.median(times))
finally:
    proc.terminate()
    proc.wait(timeout=10)
    with open(episode, "w", encoding="utf-8") as f:
        f.write(original)
