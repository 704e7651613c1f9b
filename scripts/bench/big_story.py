#!/usr/bin/env python3
"""One story told by many outlets, as JSONL records for `dossier ingest`.

Usage: scripts/bench/big_story.py N OUT.jsonl [TOPIC]

A story page grows with its reports: the timeline, the quote ledger, the
figures table and the wording comparison all gather every report's
annotations. Public sets rarely hold hundreds of reports of one event, so
this writes N of them from Timeline17 (default topic EgyptianProtest_cnn):
report i is the topic's first article's opening half followed by the
closing half of the topic's article i, published by outlet "outlet-i"
within three days. The shared opening puts them in one story; the
different closings keep them from being folded as duplicates, and give
each report its own quotes, figures and names. Standard library only.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("DOSSIER_DATA", os.path.join(ROOT, "..", "shared", "data"))


def clean(t):
    return t.replace(" 's", "'s").replace(" ,", ",").replace(" .", ".").replace(" n't", "n't")


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    topic = sys.argv[3] if len(sys.argv) > 3 else "EgyptianProtest_cnn"
    path = os.path.join(DATA, "timelines", "timeline17", topic, "articles.jsonl")
    arts = [json.loads(l) for l in open(path, encoding="utf-8")]
    arts = [a for a in arts if len(a["text"]) > 2000]
    if len(arts) < 2:
        raise SystemExit(f"{path}: too few long articles")
    lead = clean(arts[0]["text"])
    head = lead[: len(lead) // 2]
    day0 = arts[0]["time"]
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            other = clean(arts[1 + i % (len(arts) - 1)]["text"])
            tail = other[len(other) // 2:]
            rec = {
                "url": f"https://big-story.invalid/{i}",
                "title": head.split(".")[0][:90],
                "text": head + "\n\n" + tail,
                "source": f"outlet-{i}",
                # ISO date plus i % 3 days, as a date string the ingest reads
                "published": shift(day0, i % 3),
            }
            f.write(json.dumps(rec) + "\n")
    print(f"{n} reports from {topic} ({len(arts)} long articles) -> {out}")


def shift(day, k):
    import datetime
    d = datetime.date.fromisoformat(day) + datetime.timedelta(days=k)
    return d.isoformat()


if __name__ == "__main__":
    main()
