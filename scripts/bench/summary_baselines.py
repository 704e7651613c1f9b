#!/usr/bin/env python3
"""Multi-News dev summaries, side by side: Dossier against LexRank.

Dossier's summaries come from `dossier eval summaries FILE --predictions
PRED.jsonl` (each gold cluster summarized as one story, stopping at the
word budget). LexRank is sumy's LexRankSummarizer (Erkan & Radev 2004),
given the same cluster's articles and picking sentences in rank order up to
the same budget. Both outputs are cut to the budget and scored with
Google's rouge-score (ROUGE-1, ROUGE-2, ROUGE-L F1, Porter stemming),
averaged over clusters.

sumy's own tokenizer needs NLTK data that is not installed here, so both
sentence splitting and word splitting for LexRank use the small regular
expressions below.

    pip install sumy==0.13.0 rouge-score==0.1.2
    python3 scripts/bench/summary_baselines.py ../shared/data/stories/multinews-dev.jsonl PRED.jsonl [WORDS]
"""
import json
import re
import sys
import time

from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

SENT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[\"'(\[]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


class RegexTokenizer:
    language = "english"

    def to_sentences(self, paragraph):
        return [s for s in SENT.split(paragraph) if s.strip()]

    def to_words(self, sentence):
        return WORD.findall(sentence)


def cut(text, n):
    return " ".join(text.split()[:n])


def lexrank(articles, words, summarizer, tok):
    paras = []
    for a in articles:
        sents = [Sentence(s, tok) for s in tok.to_sentences(a)]
        if sents:
            paras.append(Paragraph(sents))
    doc = ObjectDocumentModel(paras)
    # LexRank scores of every sentence, as sumy's LexRankSummarizer.__call__
    # computes them (it returns only the top ones, in document order).
    sw = [summarizer._to_words_set(s) for s in doc.sentences]
    if not sw:
        return ""
    m = summarizer._create_matrix(sw, summarizer.threshold, summarizer._compute_tf(sw), summarizer._compute_idf(sw))
    scores = summarizer.power_method(m, summarizer.epsilon)
    order = [s for _, s in sorted(zip(scores, range(len(sw))), key=lambda x: -x[0])]
    order = [doc.sentences[i] for i in order]
    out, count = [], 0
    for s in order:
        if count >= words:
            break
        out.append(str(s))
        count += len(str(s).split())
    return " ".join(out)


def main():
    data, pred_path = sys.argv[1], sys.argv[2]
    words = int(sys.argv[3]) if len(sys.argv) > 3 else 250
    # keyed by line number, blank lines counted, as Dossier keys them
    clusters = [(li, json.loads(l)) for li, l in enumerate(open(data)) if l.strip()]
    preds = {p["cluster"]: p["summary"] for p in map(json.loads, open(pred_path))}
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    tok = RegexTokenizer()
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    totals = {"dossier": [0.0, 0.0, 0.0], "lexrank": [0.0, 0.0, 0.0]}
    n = 0
    lex_secs = 0.0
    for li, c in clusters:
        ref = c["summary"].strip()
        arts = [a for a in c["cleansed_document"] if a.strip()]
        if not ref or not arts or li not in preds:
            continue
        t = time.perf_counter()
        lex = lexrank(arts, words, summarizer, tok)
        lex_secs += time.perf_counter() - t
        for name, text in (("dossier", preds[li]), ("lexrank", lex)):
            s = scorer.score(ref, cut(text, words))
            for i, k in enumerate(["rouge1", "rouge2", "rougeL"]):
                totals[name][i] += s[k].fmeasure
        n += 1
    out = {"clusters": n, "words": words, "lexrank_clusters_per_second": n / lex_secs}
    for name, v in totals.items():
        out[name] = {"rouge1_f": v[0] / n, "rouge2_f": v[1] / n, "rougeL_f": v[2] / n}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
