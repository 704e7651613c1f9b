#!/usr/bin/env python3
"""Write N plain-text news reports of about 5 KB (3-8 KB, mean near 5 KB) for
throughput benchmarks, from the public worldwide-newswire articles in
../shared/data (real news text from many countries). Articles are reused in
turn when N exceeds their number; each copy gets a distinct first line so
document ids differ.
Usage: make_corpus.py OUT_DIR [N]"""
import glob, os, sys

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, "../../../shared/data/ner/en-worldwide-newswire/original_articles")
out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
os.makedirs(out, exist_ok=True)
arts = []
for p in sorted(glob.glob(os.path.join(src, "*.txt"))):
    b = open(p, "rb").read()
    if 3000 <= len(b) <= 8000:
        arts.append(b)
total = 0
for i in range(n):
    b = arts[i % len(arts)]
    if i >= len(arts):
        b = f"Copy {i // len(arts)}\n".encode() + b
    open(os.path.join(out, f"{i:06d}.txt"), "wb").write(b)
    total += len(b)
print(f"{n} reports, mean {total / n / 1024:.1f} KB, from {len(arts)} distinct articles, in {out}")
