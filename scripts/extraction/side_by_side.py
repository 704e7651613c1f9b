#!/usr/bin/env python3
"""Side-by-side quality and speed on trafilatura's benchmark, one core.

Runs Python trafilatura (`pip install trafilatura`) over every page of the
set with the settings its own gate uses (include_tables, no comments, no
formatting), scores it with the same metric as `dossier eval extraction`,
then runs `dossier eval extraction DIR --json --threads 1` and prints both.

usage: python3 scripts/extraction/side_by_side.py ../shared/data/extraction/trafilatura-eval [path/to/dossier]
"""
import gzip, json, os, re, subprocess, sys, time


def norm(t):
    return re.sub(r"\s+", " ", t).strip()


def load(d):
    root = d if os.path.isfile(os.path.join(d, "evaldata.json")) else os.path.join(d, "tests")
    data = json.load(open(os.path.join(root, "evaldata.json"), encoding="utf-8"))
    pages = []
    for url, item in sorted(data.items()):
        raw = None
        for sub in ("cache", "eval"):
            p = os.path.join(root, sub, item["file"])
            if os.path.isfile(p):
                raw = open(p, "rb").read(); break
            if os.path.isfile(p + ".gz"):
                raw = gzip.open(p + ".gz").read(); break
        pages.append((item, raw or b""))
    return pages


def score(pages, outs):
    tp = fp = fn = tn = 0
    for (item, _), out in zip(pages, outs):
        o = norm(out) if isinstance(out, str) else None
        t = sum(1 for w in item["with"] if o is not None and norm(w) in o)
        f = sum(1 for w in item["without"] if o is not None and norm(w) in o)
        tp, fp, fn, tn = tp + t, fp + f, fn + len(item["with"]) - t, tn + len(item["without"]) - f
    p = tp / (tp + fp) if tp + fp else 0
    r = tp / (tp + fn) if tp + fn else 0
    return {"precision": p, "recall": r, "f1": 2 * tp / (2 * tp + fp + fn)}


def main():
    d = sys.argv[1]
    dossier = sys.argv[2] if len(sys.argv) > 2 else "target/release/dossier"
    pages = load(d)
    rows = []
    try:
        import trafilatura
        outs = []
        t = time.perf_counter()
        for _, raw in pages:
            try:
                outs.append(trafilatura.extract(raw, include_comments=False, include_tables=True, include_formatting=False))
            except Exception:
                outs.append(None)
        secs = time.perf_counter() - t
        rows.append((f"trafilatura {trafilatura.__version__} (Python)", score(pages, outs), len(pages) / secs))
    except ImportError:
        print("python trafilatura not installed: pip install trafilatura", file=sys.stderr)
    res = json.loads(subprocess.run([dossier, "--threads", "1", "eval", "extraction", d, "--json"], check=True, capture_output=True, text=True).stdout)
    rows.append(("dossier", res, res["pages_per_second"]))
    print(f"{'extractor':<34} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8}")
    for name, s, pps in rows:
        print(f"{name:<34} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {pps:8.1f}")
    if len(rows) == 2:
        print(f"speed ratio dossier / trafilatura: {rows[1][2] / rows[0][2]:.1f}x")


if __name__ == "__main__":
    main()
