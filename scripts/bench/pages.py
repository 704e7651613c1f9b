#!/usr/bin/env python3
"""Server time of every web UI page on a store, one request at a time.

Usage: scripts/bench/pages.py STORE [SAMPLES]

Starts `target/release/dossier serve` on STORE (loopback, a free port),
finds ids through the JSON API, then fetches each kind of page SAMPLES
times (different stories, documents, entities, outlets, queries) and
prints the first visit's time and p50 / p99 / max per kind. Story pages are sampled from the most
recent stories and from the largest ones (the slowest to render), and the
largest alone is fetched SAMPLES times. Requests
go one at a time over 127.0.0.1, so the time is the server's plus a
loopback round trip. Standard library only.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "dossier")
QUERIES = ["ceasefire", "protest police", '"prime minister"', "oil OR gas",
           "election NOT president", "mubarak cairo", "title:bank",
           "syria OR libya OR yemen", "flu vaccine", "bank"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def get(base, path):
    t = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=60) as r:
        body = r.read()
        status = r.status
    ms = (time.perf_counter() - t) * 1e3
    if status != 200:
        raise SystemExit(f"{path}: status {status}")
    return ms, body


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round((len(v) - 1) * p))]


def main():
    store = sys.argv[1]
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    srv = subprocess.Popen([BIN, "serve", "--store", store, "--addr", f"127.0.0.1:{port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):
            try:
                get(base, "/api/health")
                break
            except Exception:
                if srv.poll() is not None:
                    raise SystemExit("server exited: " + srv.stderr.read().decode()[-2000:])
                time.sleep(0.5)
        api = lambda p: json.loads(get(base, p)[1])
        total = api("/api/stories?limit=1")["total"]
        stories = []
        # The server caps a page's size; step by the size it granted.
        while len(stories) < total:
            page = api(f"/api/stories?limit=500&offset={len(stories)}")
            if not page["items"]:
                break
            stories += page["items"]
        recent = [s["id"] for s in stories[:samples]]
        largest = [s["id"] for s in sorted(stories, key=lambda s: -s["documents"])[:samples]]
        docs = [d["id"] for d in api(f"/api/documents?limit={samples}")["items"]]
        ents = [e["name"] for e in api(f"/api/entities?limit={samples}")["items"]]
        outs = [o["name"] for o in api(f"/api/outlets?limit={samples}")["items"]]
        q = urllib.parse.quote
        kinds = {
            "home": ["/"] * samples,
            "search": [f"/search?q={q(QUERIES[i % len(QUERIES)])}" for i in range(samples)],
            "story (recent)": [f"/stories/{q(i)}" for i in recent],
            "story (largest)": [f"/stories/{q(i)}" for i in largest],
            "story (the largest)": [f"/stories/{q(largest[0])}"] * samples,
            "document": [f"/documents/{q(i)}" for i in docs],
            "entities": ["/entities"] * samples,
            "entity": [f"/entities/{q(n, safe='')}" for n in ents],
            "outlets": ["/outlets"] * samples,
            "outlet": [f"/outlets/{q(n, safe='')}" for n in outs],
        }
        n_docs = api("/api/health").get("documents")
        print(f"store {store}: {n_docs} documents, {total} stories; "
              f"largest story {max(s['documents'] for s in stories)} documents")
        print(f"{'page':20} {'first':>7} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        worst = 0.0
        for kind, paths in kinds.items():
            # the first visit of each kind since the server started
            first = get(base, paths[0])[0]
            for p in paths[:3]:
                get(base, p)  # warm the page cache for this kind
            ts = [get(base, p)[0] for p in paths]
            worst = max(worst, max(ts))
            print(f"{kind:20} {first:7.1f} {len(ts):4} {pct(ts, .5):8.1f} {pct(ts, .99):8.1f} {max(ts):8.1f}")
        print(f"slowest page: {worst:.1f} ms")
    finally:
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    main()
