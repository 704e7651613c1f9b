use super::*;
use chrono::NaiveDate;
use dossier_model::{EntityLabel, EntityMention, Quote, QuoteKind, Speaker};
use dossier_store::SqliteStore;

fn ent(text: &str, at: &str, label: EntityLabel, canonical: &str) -> EntityMention {
    let start = text.find(at).expect("mention in text");
    EntityMention {
        start,
        end: start + at.len(),
        text: at.into(),
        label,
        canonical: canonical.into(),
        role: None,
    }
}

fn doc(id: &str, outlet: &str, date: Option<&str>, title: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        title: Some(title.into()),
        publisher: Some(outlet.into()),
        published: date.map(str::to_string),
        text: text.into(),
        ..Default::default()
    }
}

fn corpus() -> Vec<Document> {
    let t1 = "Steve Witkoff said the ceasefire talks in Doha would resume on Tuesday. “We are close,” Witkoff said.";
    let mut d1 = doc(
        "a",
        "Reuters",
        Some("2025-07-08"),
        "Ceasefire talks to resume in Doha",
        t1,
    );
    d1.entities = vec![
        ent(t1, "Steve Witkoff", EntityLabel::Person, "Steve Witkoff"),
        ent(t1, "Doha", EntityLabel::Loc, "Doha"),
    ];
    let qs = t1.find("We are close").unwrap();
    d1.quotes = vec![Quote {
        start: qs,
        end: qs + 13,
        text: "We are close,".into(),
        kind: QuoteKind::Direct,
        speaker: Some(Speaker {
            name: "Witkoff".into(),
            canonical: Some("Steve Witkoff".into()),
            anonymous: false,
            ..Default::default()
        }),
        cue: Some("said".into()),
        anonymity_reason: None,
    }];
    let t2 = "Israeli officials said the hostage deal was not yet agreed. A senior official said talks in Qatar stalled.";
    let mut d2 = doc(
        "b",
        "The Times of Israel",
        Some("2025-07-09"),
        "Hostage deal not yet agreed, officials say",
        t2,
    );
    d2.entities = vec![ent(t2, "Qatar", EntityLabel::Loc, "Qatar")];
    d2.quotes = vec![Quote {
        start: 0,
        end: 10,
        text: "talks in Qatar stalled".into(),
        kind: QuoteKind::Reported,
        speaker: Some(Speaker {
            name: "A senior official".into(),
            canonical: None,
            anonymous: true,
            description: Some("a senior official".into()),
            ..Default::default()
        }),
        cue: Some("said".into()),
        anonymity_reason: None,
    }];
    let t3 = "Witkoff met Netanyahu in Washington. The ceasefire in Gaza was discussed at length — Zürich bankers watched.";
    let mut d3 = doc(
        "c",
        "Reuters",
        Some("2025-07-09"),
        "Netanyahu meets envoy",
        t3,
    );
    d3.entities = vec![
        ent(t3, "Witkoff", EntityLabel::Person, "Steve Witkoff"),
        ent(t3, "Netanyahu", EntityLabel::Person, "Benjamin Netanyahu"),
        ent(t3, "Gaza", EntityLabel::Loc, "Gaza"),
    ];
    let d4 = doc(
        "d",
        "Al Jazeera",
        None,
        "Undated explainer on Gaza",
        "An explainer about Gaza and its crossings, with no date.",
    );
    vec![d1, d2, d3, d4]
}

fn index() -> Index {
    let ix = Index::in_memory().unwrap();
    assert_eq!(ix.add(&corpus()).unwrap(), 4);
    ix
}

fn ids(ix: &Index, q: &str) -> Vec<String> {
    let mut v: Vec<String> = ix
        .search(&SearchRequest {
            q: q.into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    v.sort();
    v
}

#[test]
fn words_phrases_and_boolean_operators() {
    let ix = index();
    assert_eq!(ids(&ix, "ceasefire"), vec!["a", "c"]);
    // Words are ANDed by default.
    assert_eq!(ids(&ix, "ceasefire Doha"), vec!["a"]);
    assert_eq!(ids(&ix, "Doha OR Qatar"), vec!["a", "b"]);
    assert_eq!(ids(&ix, "ceasefire AND NOT Doha"), vec!["c"]);
    assert_eq!(ids(&ix, "ceasefire -Doha"), vec!["c"]);
    assert_eq!(ids(&ix, "\"hostage deal\""), vec!["b"]);
    assert!(ids(&ix, "\"deal hostage\"").is_empty());
    // Non-ASCII text is found.
    assert_eq!(ids(&ix, "Zürich"), vec!["c"]);
}

#[test]
fn field_queries_for_outlet_entity_speaker_and_title() {
    let ix = index();
    assert_eq!(ids(&ix, "outlet:reuters"), vec!["a", "c"]);
    assert_eq!(ids(&ix, "outlet:\"times of israel\""), vec!["b"]);
    // A canonical entity name finds the document that only says "Witkoff".
    assert_eq!(ids(&ix, "entity:\"Steve Witkoff\""), vec!["a", "c"]);
    assert_eq!(ids(&ix, "speaker:witkoff"), vec!["a"]);
    assert_eq!(ids(&ix, "speaker:official"), vec!["b"]);
    assert_eq!(ids(&ix, "title:gaza"), vec!["d"]);
    assert_eq!(ids(&ix, "quote:close"), vec!["a"]);
}

#[test]
fn date_ranges_filter_and_undated_documents_fall_outside() {
    let ix = index();
    assert_eq!(ids(&ix, "date:2025-07-09"), vec!["b", "c"]);
    assert_eq!(ids(&ix, "date:2025-07"), vec!["a", "b", "c"]);
    assert_eq!(ids(&ix, "Witkoff date:2025-07-01..2025-07-08"), vec!["a"]);
    assert_eq!(ids(&ix, "date:>2025-07-08"), vec!["b", "c"]);
    let r = ix
        .search(&SearchRequest {
            q: "gaza".into(),
            dates: DayRange {
                from: query::period("2025-07-09").map(|p| p.0),
                to: None,
            },
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        vec!["c"]
    );
}

#[test]
fn snippets_highlight_the_matched_words() {
    let ix = index();
    let r = ix
        .search(&SearchRequest {
            q: "Doha".into(),
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    let h = &r.hits[0];
    assert_eq!(h.id, "a");
    assert!(!h.snippet.highlights.is_empty());
    for (s, e) in &h.snippet.highlights {
        assert_eq!(&h.snippet.text[*s..*e], "Doha");
    }
    let (s, e) = h.title.highlights[0];
    assert_eq!(&h.title.text[s..e], "Doha");
    assert_eq!(h.title.text, "Ceasefire talks to resume in Doha");
    assert_eq!(h.published.as_deref(), Some("2025-07-08"));
    assert_eq!(h.outlet, "Reuters");
}

#[test]
fn facets_count_all_matches_and_filters_narrow() {
    let ix = index();
    let r = ix
        .search(&SearchRequest {
            q: "".into(),
            limit: 1,
            facets: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 4);
    assert_eq!(r.hits.len(), 1);
    let f = r.facets.unwrap();
    assert_eq!(
        f.outlets[0],
        FacetCount {
            value: "Reuters".into(),
            label: None,
            count: 2
        }
    );
    let witkoff = f
        .entities
        .iter()
        .find(|e| e.value == "Steve Witkoff")
        .unwrap();
    assert_eq!(
        (witkoff.count, witkoff.label.as_deref()),
        (2, Some("PERSON"))
    );
    let r = ix
        .search(&SearchRequest {
            outlet: Some("Reuters".into()),
            entity: Some("Gaza".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        vec!["c"]
    );
}

#[test]
fn attention_counts_matches_per_day_and_outlet() {
    let ix = index();
    let r = ix
        .search(&SearchRequest {
            q: "ceasefire OR hostage OR gaza".into(),
            limit: 1,
            attention: true,
            ..Default::default()
        })
        .unwrap();
    let a = r.attention.unwrap();
    assert_eq!(
        a.overall.days,
        vec![("2025-07-08".to_string(), 1), ("2025-07-09".to_string(), 2)]
    );
    assert_eq!(a.undated, 1);
    let (outlet, series) = &a.outlets[0];
    assert_eq!(outlet, "Reuters");
    assert_eq!(
        series.days,
        vec![("2025-07-08".to_string(), 1), ("2025-07-09".to_string(), 1)]
    );
}

#[test]
fn sort_by_date_and_pagination() {
    let ix = index();
    let page = |offset, sort| {
        ix.search(&SearchRequest {
            q: "".into(),
            sort,
            offset,
            limit: 2,
            ..Default::default()
        })
        .unwrap()
    };
    let first: Vec<Option<String>> = page(0, Sort::Date)
        .hits
        .into_iter()
        .map(|h| h.published)
        .collect();
    assert_eq!(
        first,
        vec![
            Some("2025-07-09".to_string()),
            Some("2025-07-09".to_string())
        ]
    );
    let second = page(2, Sort::Date);
    assert_eq!(second.hits[0].id, "a");
    assert_eq!(second.total, 4);
    assert_eq!(page(0, Sort::DateAsc).hits[0].id, "a");
}

#[test]
fn adding_again_replaces_and_removal_drops() {
    let ix = index();
    let mut docs = corpus();
    docs[0].title = Some("Changed headline about Lisbon".into());
    ix.add(&docs[..1]).unwrap();
    assert_eq!(ix.num_docs(), 4);
    assert_eq!(ids(&ix, "lisbon"), vec!["a"]);
    ix.remove(&["a".to_string()]).unwrap();
    assert_eq!(ix.num_docs(), 3);
    assert!(!ix.ids().unwrap().contains("a"));
}

#[test]
fn hostile_queries_do_not_fail() {
    let ix = index();
    for q in [
        "\"unclosed",
        "outlet:",
        "AND OR NOT",
        "((",
        "title:[a TO",
        "nosuchfield:x",
        "date:2025-99",
        "é\u{0}ü",
        "*",
    ] {
        let r = ix.search(&SearchRequest {
            q: q.into(),
            limit: 5,
            facets: true,
            attention: true,
            ..Default::default()
        });
        assert!(r.is_ok(), "{q}: {:?}", r.err());
    }
    let r = ix
        .search(&SearchRequest {
            q: "date:someday gaza".into(),
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.total, 2);
}

#[test]
fn sync_follows_the_store_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open_dir(dir.path()).unwrap();
    store.put_documents(&corpus()[..3]).unwrap();
    {
        let ix = Index::open_for_store(dir.path()).unwrap();
        let r = ix.sync_with(&store).unwrap();
        assert_eq!(
            r,
            SyncReport {
                added: 3,
                removed: 0
            }
        );
        assert_eq!(ix.sync_with(&store).unwrap(), SyncReport::default());
        // A document indexed but not stored is dropped on sync.
        ix.add(&corpus()[3..]).unwrap();
        assert_eq!(
            ix.sync_with(&store).unwrap(),
            SyncReport {
                added: 0,
                removed: 1
            }
        );
    }
    let ix = Index::open_for_store(dir.path()).unwrap();
    assert_eq!(ix.num_docs(), 3);
    assert_eq!(ids(&ix, "ceasefire"), vec!["a", "c"]);
}

#[test]
fn entity_facets_on_broad_queries_are_unbiased_estimates_and_say_so() {
    // One segment with many more matches than are counted exactly: every report names Gaza, every other one Doha, every fifth
    // one Cairo. Outlets and attention stay exact.
    let ix = Index::in_memory().unwrap();
    let n = 4 * ENTITY_SAMPLE as usize;
    let docs: Vec<Document> = (0..n)
        .map(|i| {
            let mut t = String::from("Talks on Gaza resumed.");
            let mut d_ents = Vec::new();
            if i % 2 == 0 {
                t.push_str(" Envoys met in Doha.");
            }
            if i % 5 == 0 {
                t.push_str(" Officials flew to Cairo.");
            }
            for (name, label) in [
                ("Gaza", EntityLabel::Loc),
                ("Doha", EntityLabel::Loc),
                ("Cairo", EntityLabel::Loc),
            ] {
                if t.contains(name) {
                    d_ents.push(ent(&t, name, label, name));
                }
            }
            let mut d = doc(
                &format!("d{i}"),
                if i % 3 == 0 { "A" } else { "B" },
                Some("2025-07-08"),
                "Talks",
                &t,
            );
            d.entities = d_ents;
            d
        })
        .collect();
    ix.add(&docs).unwrap();
    // The writer indexes on several threads, one segment each: merge them,
    // so the one segment holds more matches than are counted exactly
    // whatever the number of cores.
    {
        let ids = ix.index.searchable_segment_ids().unwrap();
        let mut w = ix.writer().unwrap();
        if ids.len() > 1 {
            w.merge(&ids).wait().unwrap();
        }
        w.commit().unwrap();
        w.wait_merging_threads().unwrap();
        ix.reader.reload().unwrap();
    }
    assert_eq!(ix.reader.searcher().segment_readers().len(), 1);
    let r = ix
        .search(&SearchRequest {
            q: "talks".into(),
            facets: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, n);
    let f = r.facets.unwrap();
    assert!(f.entities_estimated);
    let count = |name: &str| {
        f.entities
            .iter()
            .find(|c| c.value == name)
            .map(|c| c.count as f64)
            .unwrap_or(0.0)
    };
    for (name, truth) in [
        ("Gaza", n as f64),
        ("Doha", n as f64 / 2.0),
        ("Cairo", n as f64 / 5.0),
    ] {
        let est = count(name);
        assert!(
            (est - truth).abs() / truth < 0.1,
            "{name}: estimated {est}, true {truth}"
        );
    }
    let outlets: u64 = f.outlets.iter().map(|c| c.count).sum();
    assert_eq!(outlets, n as u64);

    // A narrow query is counted exactly.
    let r = ix
        .search(&SearchRequest {
            q: "cairo".into(),
            facets: true,
            ..Default::default()
        })
        .unwrap();
    let f = r.facets.unwrap();
    assert!(!f.entities_estimated);
    assert_eq!(
        f.entities
            .iter()
            .find(|c| c.value == "Cairo")
            .unwrap()
            .count,
        (n / 5) as u64
    );
}

#[test]
fn whole_index_lists_follow_new_documents() {
    let idx = Index::in_memory().unwrap();
    idx.add(&corpus()).unwrap();
    let witkoff = |idx: &Index| {
        idx.entities(50)
            .unwrap()
            .iter()
            .find(|f| f.value == "Steve Witkoff")
            .map(|f| f.count)
    };
    let w = witkoff(&idx).expect("Witkoff counted");
    let before = idx.outlets(10).unwrap();
    assert_eq!(
        idx.outlets(10).unwrap(),
        before,
        "a second call is served the same"
    );
    let reuters = |v: &[FacetCount]| v.iter().find(|f| f.value == "Reuters").map(|f| f.count);
    let n = reuters(&before).expect("Reuters counted");
    let mut extra = corpus().remove(0);
    extra.id = "a-later".into();
    idx.add(&[extra]).unwrap();
    assert_eq!(reuters(&idx.outlets(10).unwrap()), Some(n + 1));
    assert_eq!(idx.outlets(1).unwrap().len(), 1);
    assert_eq!(witkoff(&idx), Some(w + 1));
}

#[test]
fn many_small_commits_are_merged_into_few_segments() {
    // On disk and with batches of a few hundred documents, as an ingest
    // writes them: a writer dropped right after its commit abandoned the
    // merges the commit started, and every batch stayed a segment.
    let dir = tempfile::tempdir().unwrap();
    let idx = Index::open(dir.path()).unwrap();
    let base = corpus().remove(0);
    let text = base.text.repeat(8);
    for batch in 0..24 {
        let docs: Vec<Document> = (0..300)
            .map(|k| {
                let mut d = base.clone();
                d.id = format!("doc-{batch}-{k}");
                d.text = format!("{text} {batch} {k}");
                d.entities.clear();
                d.quotes.clear();
                d
            })
            .collect();
        idx.add(&docs).unwrap();
    }
    let segments = idx.reader.searcher().segment_readers().len();
    assert!(segments < 16, "{segments} segments after 24 commits");
    assert_eq!(idx.num_docs(), 24 * 300);
}

#[test]
fn attention_is_exact_across_segments() {
    attention_across_segments(false, true);
    attention_across_segments(false, false);
}

#[test]
fn attention_is_exact_over_wide_date_ranges() {
    attention_across_segments(true, true);
    attention_across_segments(true, false);
}

/// Three batches, so at least three segments: two spanning other days
/// (counted in arrays and summed at offsets), one of undated documents. With `old`, the first also
/// holds a document from 1850, so its day range (175 years) is counted in
/// a map. Outlet i has 9 - i matches per batch, so the six charted
/// outlets are o0..o5. `cached`: counted from the decoded columns, or
/// from the fast-field columns directly.
fn attention_across_segments(old: bool, cached: bool) {
    use std::collections::BTreeMap;
    let mut ix = Index::in_memory().unwrap();
    ix.columns.off = !cached;
    let start = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    let mut overall: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_outlet: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut n = 0;
    for b in 0..2u64 {
        let mut batch = Vec::new();
        let mut dated = Vec::new();
        for i in 0..9u64 {
            for k in 0..(9 - i) {
                let day = start + chrono::Duration::days((b * 3 + k % 4) as i64);
                dated.push((format!("o{i}"), day.to_string()));
            }
        }
        if old && b == 0 {
            dated.push(("o0".into(), "1850-03-01".into()));
        }
        for (outlet, day) in dated {
            n += 1;
            *overall.entry(day.clone()).or_default() += 1;
            *per_outlet
                .entry(outlet.clone())
                .or_default()
                .entry(day.clone())
                .or_default() += 1;
            batch.push(doc(
                &format!("d{n}"),
                &outlet,
                Some(&day),
                "Talks",
                "The ceasefire talks went on.",
            ));
        }
        batch.push(doc(
            &format!("u{b}"),
            "o8",
            None,
            "Talks",
            "More ceasefire talks.",
        ));
        ix.add(&batch).unwrap();
    }
    // And a segment with no dated document at all.
    ix.add(&[
        doc("u-a", "o8", None, "Talks", "Ceasefire talks."),
        doc("u-b", "o8", None, "Talks", "Ceasefire talks again."),
    ])
    .unwrap();
    // (Eight segments would be merged into one.)
    assert!(ix.reader.searcher().segment_readers().len() >= 3);
    let r = ix
        .search(&SearchRequest {
            q: "ceasefire".into(),
            limit: 1,
            facets: true,
            attention: true,
            ..Default::default()
        })
        .unwrap();
    let a = r.attention.unwrap();
    let as_map = |s: &Series| s.days.iter().cloned().collect::<BTreeMap<String, u64>>();
    assert_eq!(as_map(&a.overall), overall);
    assert_eq!(a.undated, 4);
    let charted: Vec<&str> = a.outlets.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(charted, ["o0", "o1", "o2", "o3", "o4", "o5"]);
    for (outlet, series) in &a.outlets {
        assert_eq!(&as_map(series), &per_outlet[outlet], "{outlet}");
    }
    let facets = r.facets.unwrap();
    let o8 = facets.outlets.iter().find(|f| f.value == "o8").unwrap();
    assert_eq!(o8.count, 2 * 2 + 2);
}

#[test]
fn day_labels_are_iso_dates() {
    assert_eq!(query::day_label(0), "1970-01-01");
    assert_eq!(query::day_label(-1), "1969-12-31");
    let d = NaiveDate::from_ymd_opt(2025, 7, 8).unwrap();
    assert_eq!(query::day_label(query::day_number(d)), "2025-07-08");
    let d = NaiveDate::from_ymd_opt(812, 2, 9).unwrap();
    assert_eq!(query::day_label(query::day_number(d)), "0812-02-09");
}
