#!/usr/bin/env python3
"""Score Dossier's predicted Timeline17 timelines with tilse itself.

`dossier eval timelines DIR --predictions PRED.jsonl` computes alignment
ROUGE with its own re-implementation; this script scores the same
predictions with tilse's TimelineRougeEvaluator, which runs ROUGE-1.5.5
(Porter stemmer with WordNet exceptions, SMART stop words), the way
Ghalandari & Ifrim's evaluation code calls it: one reference timeline at a
time, 'align_date_content_costs_many_to_one', f-scores averaged over
timelines, date F1 on the shared dates. A date listed twice in a reference
keeps its last entry, as their loader does.

    pip install tilse==0.2.1          # and apt-get install libxml-dom-perl: ROUGE-1.5.5 needs XML::DOM
    python3 scripts/bench/tilse_check.py ../shared/data/timelines/timeline17 PRED.jsonl
"""
import datetime
import json
import sys
from pathlib import Path

from tilse.data.timelines import GroundTruth, Timeline
from tilse.evaluation import rouge


def day(s):
    return datetime.date.fromisoformat(s[:10])


def main():
    data, pred_path = Path(sys.argv[1]), Path(sys.argv[2])
    evaluator = rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])
    rows = []
    for line in pred_path.read_text().splitlines():
        p = json.loads(line)
        # numbered as Dossier numbers them: blank lines and empty timelines skipped
        lines = (data / p["topic"] / "timelines.jsonl").read_text().splitlines()
        refs = [r for r in (json.loads(l) for l in lines if l.strip()) if r]
        ref = {day(d): s for d, s in refs[p["timeline"]]}
        pred = {day(d): s for d, s in p["items"]}
        r = evaluator.evaluate_align_date_content_costs_many_to_one(Timeline(pred), GroundTruth([Timeline(ref)]))
        shared = len(set(pred) & set(ref))
        dp = shared / len(pred) if pred else 0.0
        dr = shared / len(ref)
        df = 2 * dp * dr / (dp + dr) if dp + dr else 0.0
        rows.append((p["topic"], p["timeline"], r["rouge_1"]["f_score"], r["rouge_2"]["f_score"], df))
        print(f"{p['topic']:<24} {p['timeline']}  R1 {rows[-1][2]:.4f}  R2 {rows[-1][3]:.4f}  date F1 {df:.4f}", file=sys.stderr)
    n = len(rows)
    out = {
        "timelines": n,
        "rouge1_f": sum(r[2] for r in rows) / n,
        "rouge2_f": sum(r[3] for r in rows) / n,
        "date_f1": sum(r[4] for r in rows) / n,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
