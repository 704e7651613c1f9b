//! Per-story timeline (dated sentences) and extractive summary.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;

use dossier_model::{Span, SummarySentence, TimeType, TimelineEntry};

use crate::compare::Member;
use crate::features::{centroid, cosine, mmr, Corpus, SparseVec};
use crate::text;
use crate::tls::day;

/// True for a TIMEX3 date value that says something about when: a
/// calendar value (`2025-07-08`, `2025-03`, `2025-W28`, `2025`) possibly
/// with `X` placeholders (`XXXX-10-07`), but not a reference word
/// (`PAST_REF`) and not a value with no digit at all.
pub(crate) fn is_dated_value(v: &str) -> bool {
    let head: Vec<char> = v.chars().take(4).collect();
    head.len() == 4
        && head.iter().all(|c| c.is_ascii_digit() || *c == 'X')
        && v.chars().any(|c| c.is_ascii_digit())
}

/// Sort key of a date value: `X` placeholders sort after every digit, so
/// dates compare on what is known and open parts go last
/// (`2023-10-07` < `2023-XX-XX` < `XXXX-10-07`).
pub(crate) fn date_sort_key(v: &str) -> String {
    v.chars().map(|c| if c == 'X' { '~' } else { c }).collect()
}

/// The sentence span containing `pos` among `sents`.
fn sentence_of(sents: &[Span], pos: usize) -> Option<Span> {
    let i = sents.partition_point(|s| s.end <= pos);
    sents.get(i).copied().filter(|s| s.start <= pos)
}

/// The lead: the first sentence of at least eight words that ends like a
/// sentence that tells (headlines, page furniture and questions do not),
/// without the update note or list dash that may open it.
pub(crate) fn lead_sentence(t: &str, sents: &[Span]) -> Option<Span> {
    sents
        .iter()
        .map(|s| text::without_lead_in(t, *s))
        .find(|s| {
            let st = s.slice(t).trim_end_matches(['"', '”', '’', '\'', ')']);
            text::word_count(st) >= 8 && st.ends_with(['.', '!'])
        })
}

/// Timeline entries of a story: each sentence that holds a DATE time
/// expression with a (partly) resolved value, plus the lead of every report
/// with a known (not estimated) publication date under that date; sorted
/// by date, then document order,
/// then position. One sentence is listed once per date.
pub(crate) fn timeline(members: &[Member], sents: &[Vec<Span>]) -> Vec<TimelineEntry> {
    let mut out: Vec<(String, usize, usize, TimelineEntry)> = Vec::new();
    let mut seen: HashSet<(usize, usize, String)> = HashSet::new();
    for (mi, m) in members.iter().enumerate() {
        let t = &m.doc.text;
        let mut push =
            |span: Span,
             date: &str,
             basis: &str,
             out: &mut Vec<(String, usize, usize, TimelineEntry)>| {
                if !seen.insert((mi, span.start, date.to_string())) {
                    return;
                }
                out.push((
                    date_sort_key(date),
                    mi,
                    span.start,
                    TimelineEntry {
                        date: date.to_string(),
                        text: span.slice(t).to_string(),
                        basis: basis.to_string(),
                        source: dossier_model::SourceRef {
                            document: m.doc.id.clone(),
                            outlet: m.outlet.clone(),
                            start: span.start,
                            end: span.end,
                        },
                        year_from: None,
                    },
                ));
            };
        // An estimated publication date is the start of a range ("after
        // 2023-10-07"): the lead would read as an event of that very day.
        if let Some(p) = m
            .doc
            .published
            .as_deref()
            .filter(|p| is_dated_value(p) && !m.doc.published_estimated)
        {
            if let Some(lead) = lead_sentence(t, &sents[mi]) {
                push(lead, p, "published", &mut out);
            }
        }
        for x in &m.doc.times {
            if x.kind != TimeType::Date || !is_dated_value(&x.value) || x.start > t.len() {
                continue;
            }
            if let Some(s) = sentence_of(&sents[mi], x.start) {
                // without its update note, unless the day is named there
                let trimmed = text::without_lead_in(t, s);
                let s = if trimmed.start <= x.start { trimmed } else { s };
                push(s, &x.value, &x.text, &mut out);
            }
        }
    }
    fill_years(&mut out);
    out.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.year_from.is_some().cmp(&b.3.year_from.is_some()))
    });
    // A sentence naming a day with and without its year ("on October 7,
    // 2023 ... since Oct. 7") is listed once, as the text dates it.
    out.dedup_by(|b, a| a.1 == b.1 && a.2 == b.2 && a.3.date == b.3.date);
    out.into_iter().map(|x| x.3).collect()
}

/// Gives a year to days named without one (`XXXX-10-07`, from "Oct. 7" in
/// an undated report) when the story's other entries name that month and
/// day with exactly one year (`2023-10-07`, from "October 7, 2023"): the
/// reports are then taken to mean the same day, and the entry records
/// which report gave the year. Publication dates lend no year (a report
/// published on 7 October says nothing about other years' 7 October).
fn fill_years(out: &mut [(String, usize, usize, TimelineEntry)]) {
    // (month, day) -> year -> first report naming it
    let mut years: HashMap<(u32, u32), BTreeMap<i32, String>> = HashMap::new();
    for (_, _, _, e) in out.iter() {
        if let Some(d) = day(&e.date).filter(|_| e.basis != "published") {
            years
                .entry((d.month(), d.day()))
                .or_default()
                .entry(d.year())
                .or_insert_with(|| e.source.document.clone());
        }
    }
    for (key, _, _, e) in out.iter_mut() {
        // a leap year, so that XXXX-02-29 reads as a day
        let Some(d) = e
            .date
            .strip_prefix("XXXX-")
            .and_then(|md| day(&format!("2000-{md}")))
        else {
            continue;
        };
        if let Some(ys) = years.get(&(d.month(), d.day())).filter(|ys| ys.len() == 1) {
            let (y, from) = ys.iter().next().expect("one year");
            e.date = format!("{y:04}-{:02}-{:02}", d.month(), d.day());
            e.year_from = Some(from.clone());
            *key = date_sort_key(&e.date);
        }
    }
}

/// An extractive summary of `k` sentences by maximal marginal relevance:
/// salience is the cosine of a sentence's TF-IDF vector to the story
/// centroid (the centroid method of Radev et al.), and each pick is
/// penalized by its highest similarity to sentences already picked
/// (`lambda` trades the two). Candidates are sentences of 8 to 60 words
/// that end like sentences and do not ask (questions are left out), each
/// without the update note or list dash that may open it. Picking stops at
/// `k` sentences or once the picks hold `max_words` words. The picks are ordered by the report's
/// date (undated last), then document order, then position.
pub(crate) fn summary(
    members: &[Member],
    sents: &[Vec<Span>],
    doc_vecs: &[&SparseVec],
    corpus: &Corpus,
    k: usize,
    max_words: usize,
    lambda: f64,
) -> Vec<SummarySentence> {
    let cen = centroid(doc_vecs.iter().copied());
    struct Cand {
        mi: usize,
        span: Span,
        vec: SparseVec,
        sal: f64,
        words: usize,
    }
    let mut cands: Vec<Cand> = Vec::new();
    let mut seen_text: HashSet<String> = HashSet::new();
    for (mi, m) in members.iter().enumerate() {
        let t = &m.doc.text;
        for s in &sents[mi] {
            let s = &text::without_lead_in(t, *s);
            let st = s.slice(t);
            let wc = text::word_count(st);
            let body = st.trim_end_matches(['"', '”', '’', '\'', ')']);
            if !(8..=60).contains(&wc) || !body.ends_with(['.', '!']) {
                continue;
            }
            if !seen_text.insert(text::normalize_quote(st)) {
                continue;
            }
            let mut counts: std::collections::HashMap<String, f64> =
                std::collections::HashMap::new();
            for (term, _) in text::content_terms(st) {
                *counts.entry(term).or_default() += 1.0;
            }
            let counts: Vec<(String, f64)> = counts.into_iter().collect();
            let vec = corpus.vector(&counts);
            if vec.is_empty() {
                continue;
            }
            let sal = cosine(&vec, &cen);
            cands.push(Cand {
                mi,
                span: *s,
                vec,
                sal,
                words: wc,
            });
        }
    }
    let vecs: Vec<&SparseVec> = cands.iter().map(|c| &c.vec).collect();
    let sal: Vec<f64> = cands.iter().map(|c| c.sal).collect();
    let mut picked = mmr(&vecs, &sal, lambda, |p| {
        p.len() >= k || p.iter().map(|&i| cands[i].words).sum::<usize>() >= max_words
    });
    picked.sort_by(|&a, &b| {
        let (ca, cb) = (&cands[a], &cands[b]);
        let da = members[ca.mi].doc.published.as_deref();
        let db = members[cb.mi].doc.published.as_deref();
        let ka = (da.is_none(), da.unwrap_or(""), ca.mi, ca.span.start);
        let kb = (db.is_none(), db.unwrap_or(""), cb.mi, cb.span.start);
        ka.cmp(&kb)
    });
    picked
        .into_iter()
        .map(|i| {
            let c = &cands[i];
            let m = &members[c.mi];
            SummarySentence {
                text: c.span.slice(&m.doc.text).to_string(),
                source: dossier_model::SourceRef {
                    document: m.doc.id.clone(),
                    outlet: m.outlet.clone(),
                    start: c.span.start,
                    end: c.span.end,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::{Document, TimeExpr};

    #[test]
    fn date_values() {
        assert!(is_dated_value("2025-07-08"));
        assert!(is_dated_value("XXXX-10-07"));
        assert!(is_dated_value("2025-W28"));
        assert!(!is_dated_value("PAST_REF"));
        assert!(!is_dated_value("XXXX-XX-XX"));
        assert!(!is_dated_value("P60D"));
        let mut v = vec!["XXXX-10-07", "2025-03", "2023-10-07", "2023-XX-XX"];
        v.sort_by_key(|x| date_sort_key(x));
        assert_eq!(v, vec!["2023-10-07", "2023-XX-XX", "2025-03", "XXXX-10-07"]);
    }

    #[test]
    fn timeline_orders_dated_sentences() {
        let text = "Talks resumed in Doha on Thursday after a long pause in the fighting. The war began on Oct. 7, 2023, with an attack on Israel. A truce lasted for six weeks.";
        let t1 = text.find("Thursday").unwrap();
        let t2 = text.find("Oct. 7, 2023").unwrap();
        let t3 = text.find("six weeks").unwrap();
        let d = Document {
            id: "a".into(),
            text: text.into(),
            published: Some("2025-03-13".into()),
            times: vec![
                TimeExpr {
                    start: t1,
                    end: t1 + 8,
                    text: "Thursday".into(),
                    kind: TimeType::Date,
                    value: "2025-03-13".into(),
                    relative: true,
                },
                TimeExpr {
                    start: t2,
                    end: t2 + 12,
                    text: "Oct. 7, 2023".into(),
                    kind: TimeType::Date,
                    value: "2023-10-07".into(),
                    relative: false,
                },
                TimeExpr {
                    start: t3,
                    end: t3 + 9,
                    text: "six weeks".into(),
                    kind: TimeType::Duration,
                    value: "P6W".into(),
                    relative: false,
                },
            ],
            ..Default::default()
        };
        let m = [Member {
            doc: &d,
            outlet: "x".into(),
            moment: "s".into(),
        }];
        let sents = vec![text::split_sentences(text)];
        let tl = timeline(&m, &sents);
        // the lead is dated by "Thursday" and by the publication date (same
        // date, listed once); no entry for the duration.
        assert_eq!(tl.len(), 2);
        assert_eq!(tl[0].date, "2023-10-07");
        assert!(tl[0].text.starts_with("The war began"));
        assert_eq!(tl[1].date, "2025-03-13");
        assert_eq!(tl[1].basis, "published");
        assert_eq!(&text[tl[1].source.start..tl[1].source.end], tl[1].text);
        // An estimated date (the start of a range) dates no lead: only the
        // sentence the text itself dates is left.
        let undated = Document {
            published: Some("2023-10-07".into()),
            published_estimated: true,
            times: d.times[1..].to_vec(),
            ..d.clone()
        };
        let m = [Member {
            doc: &undated,
            outlet: "x".into(),
            moment: "s".into(),
        }];
        let tl = timeline(&m, &sents);
        assert_eq!(tl.len(), 1, "{tl:?}");
        assert!(tl[0].text.starts_with("The war began"));
    }

    /// A report dated by one DATE expression per text: `(text, word, value)`.
    fn dated(id: &str, text: &str, word: &str, value: &str) -> Document {
        let at = text.find(word).unwrap();
        Document {
            id: id.into(),
            text: text.into(),
            times: vec![TimeExpr {
                start: at,
                end: at + word.len(),
                text: word.into(),
                kind: TimeType::Date,
                value: value.into(),
                relative: false,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_day_named_without_year_takes_the_one_year_other_reports_give() {
        let a = dated(
            "a",
            "The attack on October 7, 2023 killed about 1,200 people.",
            "October 7, 2023",
            "2023-10-07",
        );
        let b = dated(
            "b",
            "Since the Oct. 7 attacks, talks have stalled again.",
            "Oct. 7",
            "XXXX-10-07",
        );
        let c = dated(
            "c",
            "Truce talks resumed on March 1 in Cairo after a pause.",
            "March 1",
            "XXXX-03-01",
        );
        let docs = [a, b, c];
        let run = |docs: &[Document]| {
            let m: Vec<Member> = docs
                .iter()
                .map(|d| Member {
                    doc: d,
                    outlet: d.id.clone(),
                    moment: "s".into(),
                })
                .collect();
            let sents: Vec<Vec<Span>> = docs
                .iter()
                .map(|d| text::split_sentences(&d.text))
                .collect();
            timeline(&m, &sents)
        };
        let tl = run(&docs);
        let of = |tl: &[TimelineEntry], id: &str| {
            tl.iter()
                .find(|t| t.source.document == id)
                .map(|t| (t.date.clone(), t.year_from.clone()))
                .unwrap()
        };
        assert_eq!(of(&tl, "b"), ("2023-10-07".into(), Some("a".into())));
        // no report gives March 1 a year: it stays open
        assert_eq!(of(&tl, "c"), ("XXXX-03-01".into(), None));
        // two years for the same day: which one is meant is not known
        let d = dated(
            "d",
            "On October 7, 2024 crowds marked a year of war.",
            "October 7, 2024",
            "2024-10-07",
        );
        let mut more = docs.to_vec();
        more.push(d);
        assert_eq!(of(&run(&more), "b"), ("XXXX-10-07".into(), None));
        // one sentence naming the day with and without the year: listed
        // once, dated by its own words
        let text = "The attack of October 7, 2023 shaped everything since Oct. 7 for the region.";
        let mut e = dated("e", text, "October 7, 2023", "2023-10-07");
        e.times
            .push(dated("e", text, "Oct. 7", "XXXX-10-07").times[0].clone());
        let tl = run(&[e]);
        assert_eq!(tl.len(), 1, "{tl:?}");
        assert_eq!(tl[0].year_from, None);
        // a publication date lends no year
        let mut f = dated(
            "f",
            "Crowds gathered again on Oct. 7 in the city.",
            "Oct. 7",
            "XXXX-10-07",
        );
        f.published = Some("2024-10-07".into());
        let g = dated(
            "g",
            "Talks stalled over the Oct. 7 file again.",
            "Oct. 7",
            "XXXX-10-07",
        );
        let tl = run(&[f, g]);
        assert!(tl.iter().all(|t| t.year_from.is_none()), "{tl:?}");
    }
}
