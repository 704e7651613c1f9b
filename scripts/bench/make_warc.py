#!/usr/bin/env python3
"""Write a large web archive for the WARC memory benchmark.

Usage: scripts/bench/make_warc.py PAGES_DIR OUT.warc[.gz] SIZE_GB

Cycles through the `.html` / `.html.gz` pages under PAGES_DIR (for
example trafilatura's evaluation set) and writes, per page, the three
records a crawler writes: a `request`, a `response` (HTTP headers and the
page) and a `metadata` record, after one `warcinfo` record, until the
file holds SIZE_GB gigabytes of records (uncompressed). Each pass gives
the pages new URLs, so every response is a distinct capture. With a
`.gz` name every record is its own gzip member, as in Common Crawl's
CC-NEWS. Standard library only.
"""
import gzip
import os
import sys
import uuid
from datetime import datetime, timedelta, timezone


def pages(root):
    out = []
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            p = os.path.join(dirpath, n)
            if n.endswith(".html.gz"):
                with gzip.open(p, "rb") as f:
                    out.append((n[:-8], f.read()))
            elif n.endswith(".html"):
                with open(p, "rb") as f:
                    out.append((n[:-5], f.read()))
    out.sort()
    return out


def record(kind, url, content_type, block, when):
    head = (
        "WARC/1.0\r\n"
        f"WARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Date: {when}\r\n"
        + (f"WARC-Target-URI: {url}\r\n" if url else "")
        + f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, out, size_gb = sys.argv[1], sys.argv[2], float(sys.argv[3])
    limit = int(size_gb * 1e9)
    corpus = pages(src)
    if not corpus:
        sys.exit(f"no .html or .html.gz pages under {src}")
    gz = out.endswith(".gz")
    written = 0
    captures = 0
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with open(out, "wb") as f:

        def put(rec):
            nonlocal written
            written += len(rec)
            f.write(gzip.compress(rec, compresslevel=1) if gz else rec)

        put(record("warcinfo", None, "application/warc-fields",
                   b"software: dossier scripts/bench/make_warc.py\r\n",
                   start.strftime("%Y-%m-%dT%H:%M:%SZ")))
        n = 0
        while written < limit:
            name, body = corpus[n % len(corpus)]
            url = f"https://pass{n // len(corpus)}.example/{name}"
            when = (start + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
            host = url.split("/")[2]
            put(record("request", url, "application/http; msgtype=request",
                       f"GET /{name} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode(), when))
            http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            put(record("response", url, "application/http; msgtype=response", http, when))
            put(record("metadata", url, "application/warc-fields",
                       b"fetchTimeMs: 120\r\n", when))
            n += 1
            captures += 1
    print(f"{out}: {captures} captures, {written / 1e9:.2f} GB of records"
          f" ({os.path.getsize(out) / 1e9:.2f} GB on disk)")


if __name__ == "__main__":
    main()
