//! Timeline summarization: the key dates of a set of reports, and for each
//! date the few sentences that best say what happened on it.
//!
//! This is the date-wise method of Ghalandari & Ifrim (2020), unsupervised:
//! 1. **Date ranking.** A date is important when many reports refer back
//!    to it. Each sentence names the calendar days it mentions (resolved
//!    time expressions: "on Monday", "May 12"); a date's score is the
//!    number of reports that mention it, plus a tenth of a point for each
//!    report published on it (a small weight: ten reports published on a
//!    day count as one naming it). Mentions by reports published *after*
//!    the date count double: looking back at a day is the clearest sign
//!    that it mattered. Two corrections then weigh the score by the
//!    coverage around the date: it is raised by the square root of how
//!    few reports came after the date (the whole span's reports over those
//!    published on or after it: a day near the end of a matter has had
//!    little time to be looked back at, and without this a timeline crowds
//!    at its start), and lowered by the square root of how busy its week
//!    was (reports within three days against the span's weekly mean: in a
//!    week when everyone wrote about the matter, every day of it is named
//!    often).
//! 2. **Candidate sentences** for a date: those that mention it, in
//!    reports published on or after it (before, a report tells plans and
//!    expectations), and the opening sentences of reports published on it
//!    that name no day within the timeline's span.
//! 3. **Summary of a date**: the centroid method with maximal marginal
//!    relevance (as for story summaries): salience is the cosine of a
//!    sentence's TF-IDF vector to the centroid of the date's candidates,
//!    plus `topic_weight` (0.25 by default) times its cosine to the
//!    centroid of every date's candidates (a day's entry should say what
//!    happened in the matter the timeline follows, not in whatever else the
//!    day's reports covered); each pick is penalized by its likeness to
//!    earlier picks. Questions are not candidates, and an update note or
//!    list dash opening a sentence is left out of it.
//!
//! The defaults are the setting that scored best over all of Timeline17's
//! subjects; `tls_eval::grid` lists the settings tried and
//! `docs/BENCHMARKS.md` the cross-validated scores.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use std::borrow::Borrow;

use dossier_model::{Document, KeyDate, SourceRef, Span, SummarySentence, TimeType};

use crate::features::{centroid, cosine, mmr, Corpus, SparseVec};
use crate::text;

/// How long a timeline to build, and over which span of days.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDateOptions {
    /// Number of dates.
    pub dates: usize,
    /// Sentences per date.
    pub sentences_per_date: usize,
    /// Only reports published, and dates, on or after this day.
    pub start: Option<NaiveDate>,
    /// Only reports published, and dates, on or before this day.
    pub end: Option<NaiveDate>,
    /// Trade-off of salience against redundancy in each date's summary.
    pub lambda: f64,
    /// How many opening sentences of a report stand for its publication
    /// day when they name no other day.
    pub lead_sentences: usize,
    /// Only sentences among a report's first `mention_depth` stand for
    /// the days they name (openings tell the news; later paragraphs
    /// retell background).
    pub mention_depth: usize,
    /// An opening sentence that names no day stands for its report's
    /// publication day and the `published_days - 1` days before (a report
    /// tells the previous day's events).
    pub published_days: usize,
    /// Extra weight of a mention by a report published after the date.
    pub later_weight: f64,
    /// Weight of a report published on the date.
    pub published_weight: f64,
    /// Longest sentence, in words, that may be picked (a timeline entry is
    /// read at a glance; 60 words was chosen over 40 on Timeline17).
    pub max_words: usize,
    /// Whether a sentence naming a day may summarize it when its report was
    /// published before that day (it then tells what was planned or
    /// expected, not what happened).
    pub ahead_mentions: bool,
    /// Weight of a sentence's likeness to the whole timeline's candidates
    /// (what the matter is about) beside its likeness to its own day's.
    pub topic_weight: f64,
    /// How much a date's score is raised for having had few reports after
    /// it that could look back at it: the score is multiplied by
    /// `((N + 1) / (N_d + 1))^look_back_exponent`, `N` the reports in the
    /// span and `N_d` those published on or after the date. Without it the
    /// last weeks of a matter can never gather the mentions its first
    /// weeks do, and a timeline crowds at its start.
    pub look_back_exponent: f64,
    /// How much a date's score is lowered for falling in a busy week:
    /// multiplied by `((W + 1) / (V_d + 1))^volume_exponent`, `V_d` the
    /// reports published within three days of the date and `W` the mean
    /// over the span's weeks. A day of a week when everyone wrote about the
    /// matter is mentioned often because much was written, not only
    /// because it mattered.
    pub volume_exponent: f64,
}

impl Default for KeyDateOptions {
    fn default() -> Self {
        KeyDateOptions {
            dates: 10,
            sentences_per_date: 2,
            start: None,
            end: None,
            lambda: 0.7,
            lead_sentences: 5,
            max_words: 60,
            mention_depth: usize::MAX,
            published_days: 1,
            later_weight: 1.0,
            published_weight: 0.1,
            ahead_mentions: false,
            topic_weight: 0.25,
            look_back_exponent: 0.5,
            volume_exponent: 0.5,
        }
    }
}

pub(crate) fn day(v: &str) -> Option<NaiveDate> {
    // Only fully known calendar days: `2011-02-11`, not `2011-02` or
    // `XXXX-02-11`.
    if v.len() != 10 || !v.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
}

fn in_span(d: NaiveDate, o: &KeyDateOptions) -> bool {
    o.start.is_none_or(|s| d >= s) && o.end.is_none_or(|e| d <= e)
}

/// A sentence of a report with the days it names.
struct Sent {
    doc: usize,
    span: Span,
    /// Position among the report's sentences.
    index: usize,
    days: Vec<NaiveDate>,
}

/// Scores of every candidate date, best first (ties: earlier date first).
/// Each entry: (date, score, reports mentioning it, reports published on it).
fn rank_dates(
    pubs: &[Option<NaiveDate>],
    sents: &[Sent],
    o: &KeyDateOptions,
) -> Vec<(NaiveDate, f64, usize, usize)> {
    let mut mentioned: BTreeMap<NaiveDate, HashSet<usize>> = BTreeMap::new();
    for s in sents {
        for &d in &s.days {
            mentioned.entry(d).or_default().insert(s.doc);
        }
    }
    let mut published: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for p in pubs.iter().flatten() {
        if in_span(*p, o) {
            *published.entry(*p).or_default() += 1;
        }
    }
    let dates: std::collections::BTreeSet<NaiveDate> =
        mentioned.keys().chain(published.keys()).copied().collect();
    // The two corrections, from the reports published in the span.
    let reports = |r: (std::ops::Bound<NaiveDate>, std::ops::Bound<NaiveDate>)| {
        published.range(r).map(|(_, c)| *c).sum::<usize>() as f64
    };
    let n = published.values().sum::<usize>() as f64;
    let weeks = match (published.keys().next(), published.keys().next_back()) {
        (Some(a), Some(b)) => ((*b - *a).num_days() as f64 + 1.0) / 7.0,
        _ => 1.0,
    };
    let mean_week = n / weeks.max(1.0);
    let correction = |d: NaiveDate| -> f64 {
        use std::ops::Bound::{Included, Unbounded};
        let mut w = 1.0;
        if o.look_back_exponent != 0.0 {
            let after = reports((Included(d), Unbounded));
            w *= ((n + 1.0) / (after + 1.0)).powf(o.look_back_exponent);
        }
        if o.volume_exponent != 0.0 {
            let three = chrono::Duration::days(3);
            let v = reports((Included(d - three), Included(d + three)));
            w *= ((mean_week + 1.0) / (v + 1.0)).powf(o.volume_exponent);
        }
        w
    };
    let mut out: Vec<(NaiveDate, f64, usize, usize)> = dates
        .into_iter()
        .map(|d| {
            let by = mentioned.get(&d);
            let n_by = by.map_or(0, |s| s.len());
            let later = by.map_or(0, |s| {
                s.iter()
                    .filter(|&&di| pubs[di].is_some_and(|p| p > d))
                    .count()
            });
            let n_pub = published.get(&d).copied().unwrap_or(0);
            let score =
                (n_by as f64 + o.later_weight * later as f64 + o.published_weight * n_pub as f64)
                    * correction(d);
            (d, score, n_by, n_pub)
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The key dates of `docs` (annotated with sentences and time expressions;
/// unannotated reports still count by their publication date), in
/// chronological order, each with its summary sentences.
pub fn key_dates<D: Borrow<Document>>(docs: &[D], o: &KeyDateOptions) -> Vec<KeyDate> {
    let docs: Vec<&Document> = docs.iter().map(|d| d.borrow()).collect();
    // Each report's own sentence spans where valid, else split here.
    let spans: Vec<Vec<Span>> = docs.iter().map(|d| text::sentence_spans(d)).collect();
    key_dates_in(&docs, &spans, o)
}

/// [`key_dates`] over reports whose sentence spans the caller already has
/// (`spans[i]` for `docs[i]`, as [`text::sentence_spans`] gives them).
pub(crate) fn key_dates_in(
    docs: &[&Document],
    spans: &[Vec<Span>],
    o: &KeyDateOptions,
) -> Vec<KeyDate> {
    let pubs: Vec<Option<NaiveDate>> = docs
        .iter()
        .map(|d| {
            d.published
                .as_deref()
                .filter(|_| !d.published_estimated)
                .and_then(|p| day(p.get(..10)?))
        })
        .collect();
    let keep: Vec<bool> = pubs
        .iter()
        .map(|p| p.is_none_or(|p| in_span(p, o)))
        .collect();
    let mut sents: Vec<Sent> = Vec::new();
    for (di, d) in docs.iter().enumerate() {
        if !keep[di] {
            continue;
        }
        let spans = &spans[di];
        let mut days: Vec<Vec<NaiveDate>> = vec![Vec::new(); spans.len()];
        for x in &d.times {
            if x.kind != TimeType::Date {
                continue;
            }
            let Some(dd) = day(&x.value).filter(|dd| in_span(*dd, o)) else {
                continue;
            };
            let i = spans.partition_point(|s| s.end <= x.start);
            // (an expression between sentences, in a headline or dateline
            // the spans leave out, belongs to none)
            if spans.get(i).is_none_or(|s| s.start > x.start) {
                continue;
            }
            if let Some(v) = days.get_mut(i) {
                if !v.contains(&dd) {
                    v.push(dd);
                }
            }
        }
        for (i, (&span, ds)) in spans.iter().zip(days).enumerate() {
            sents.push(Sent {
                doc: di,
                span: text::without_lead_in(&d.text, span),
                index: i,
                days: ds,
            });
        }
    }
    let ranked = rank_dates(&pubs, &sents, o);
    let chosen: Vec<&(NaiveDate, f64, usize, usize)> = ranked.iter().take(o.dates).collect();
    let chosen_days: HashSet<NaiveDate> = chosen.iter().map(|c| c.0).collect();

    // Candidate sentences of each chosen date: (those that name it, openings
    // of reports published on it or up to `published_days - 1` days after).
    let mut cands: HashMap<NaiveDate, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (si, s) in sents.iter().enumerate() {
        let t = s.span.slice(&docs[s.doc].text);
        if !pickable(t, o.max_words) {
            continue;
        }
        if s.index < o.mention_depth {
            for d in &s.days {
                let ahead = pubs[s.doc].is_some_and(|p| p < *d);
                if chosen_days.contains(d) && (o.ahead_mentions || !ahead) {
                    cands.entry(*d).or_default().0.push(si);
                }
            }
        }
        if let Some(p) = pubs[s.doc] {
            if s.index < o.lead_sentences && s.days.is_empty() {
                for k in 0..o.published_days {
                    let d = p - chrono::Duration::days(k as i64);
                    if chosen_days.contains(&d) {
                        cands.entry(d).or_default().1.push(si);
                    }
                }
            }
        }
    }

    // TF-IDF over the sentences that may be picked.
    let mut pool: Vec<usize> = cands
        .values()
        .flat_map(|(m, p)| m.iter().chain(p))
        .copied()
        .collect();
    pool.sort_unstable();
    pool.dedup();
    let counts: Vec<Vec<(String, f64)>> = pool
        .iter()
        .map(|&si| {
            let s = &sents[si];
            let mut m: BTreeMap<String, f64> = BTreeMap::new();
            for (term, _) in text::content_terms(s.span.slice(&docs[s.doc].text)) {
                *m.entry(term).or_default() += 1.0;
            }
            m.into_iter().collect()
        })
        .collect();
    let corpus = Corpus::build(&counts, &HashMap::new());
    let vecs: HashMap<usize, SparseVec> = pool
        .iter()
        .zip(&counts)
        .map(|(si, c)| (*si, corpus.vector(c)))
        .collect();

    // What the whole timeline is about: the centroid of every candidate
    // (in pool order, so the sum is the same run after run).
    let topic = centroid(pool.iter().map(|si| &vecs[si]));
    let none = (Vec::new(), Vec::new());
    // Best-ranked days pick first; a sentence picked for one day is not
    // offered to another.
    let mut used: HashSet<String> = HashSet::new();
    let mut out: Vec<KeyDate> = chosen
        .iter()
        .map(|&&(d, score, n_by, n_pub)| {
            let (ment, publ) = cands.get(&d).unwrap_or(&none);
            let picks = pick(ment, publ, &vecs, &topic, &sents, docs, o, &mut used);
            KeyDate {
                date: d.format("%Y-%m-%d").to_string(),
                score,
                mentioned_by: n_by,
                published: n_pub,
                sentences: picks
                    .into_iter()
                    .map(|si| {
                        let s = &sents[si];
                        let doc = &docs[s.doc];
                        SummarySentence {
                            text: s.span.slice(&doc.text).trim().to_string(),
                            source: SourceRef {
                                document: doc.id.clone(),
                                outlet: doc.publisher.clone().unwrap_or_default(),
                                start: s.span.start,
                                end: s.span.end,
                            },
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date));
    out
}

/// True for a sentence fit to stand in a timeline: 6 to `max_words`
/// words, ending like a sentence that tells (not a question), and not page
/// furniture: no `|` (comment
/// and share bars: "5:28 pm | Report abuse"), not shouted (transcript
/// banners: "THIS IS A RUSH TRANSCRIPT").
fn pickable(t: &str, max_words: usize) -> bool {
    let t = t.trim();
    let wc = text::word_count(t);
    if !(6..=max_words).contains(&wc) || t.contains('|') {
        return false;
    }
    let body = t.trim_end_matches(['"', '”', '’', '\'', ')', ' ']);
    if !body.ends_with(['.', '!']) {
        return false;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let upper = t.chars().filter(|c| c.is_uppercase()).count();
    if letters == 0 || upper * 2 >= letters {
        return false;
    }
    // Running English has function words ("the", "of", "to") in nearly
    // every clause; a line with almost none is a caption run, a list of
    // names or text in another language or encoding.
    let ws = text::words(t);
    let stops = ws.iter().filter(|w| text::is_stop_word(&w.norm)).count();
    stops * 6 >= ws.len()
}

/// Picks up to `sentences_per_date` of a day's candidates (those naming
/// it, `ment`, and report openings, `publ`) by maximal marginal relevance
/// around their centroid. Same words twice (a wire copy in two reports)
/// count once, and words in `used` (picked for another day) not at all;
/// the picks' words are added to `used`.
fn pick(
    ment: &[usize],
    publ: &[usize],
    vecs: &HashMap<usize, SparseVec>,
    topic: &SparseVec,
    sents: &[Sent],
    docs: &[&Document],
    o: &KeyDateOptions,
    used: &mut HashSet<String>,
) -> Vec<usize> {
    let words = |si: usize| {
        let s = &sents[si];
        text::normalize_quote(s.span.slice(&docs[s.doc].text))
    };
    let mut seen: HashSet<String> = HashSet::new();
    let ids: Vec<usize> = ment
        .iter()
        .chain(publ)
        .copied()
        .filter(|si| !vecs[si].is_empty())
        .filter(|&si| {
            let w = words(si);
            !used.contains(&w) && seen.insert(w)
        })
        .collect();
    let cen = centroid(ids.iter().map(|si| &vecs[si]));
    let sal: Vec<f64> = ids
        .iter()
        .map(|si| cosine(&vecs[si], &cen) + o.topic_weight * cosine(&vecs[si], topic))
        .collect();
    let vs: Vec<&SparseVec> = ids.iter().map(|si| &vecs[si]).collect();
    let picked = mmr(&vs, &sal, o.lambda, |p| p.len() >= o.sentences_per_date);
    let picked: Vec<usize> = picked.into_iter().map(|i| ids[i]).collect();
    used.extend(picked.iter().map(|&si| words(si)));
    picked
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::TimeExpr;

    /// A report published on `published` whose sentences are `lines`; each
    /// `(line, word, value)` marks a DATE expression.
    fn report(
        id: &str,
        published: &str,
        lines: &[&str],
        dates: &[(usize, &str, &str)],
    ) -> Document {
        let text = lines.join("\n");
        let mut sentences = Vec::new();
        let mut at = 0;
        for l in lines {
            sentences.push(Span {
                start: at,
                end: at + l.len(),
            });
            at += l.len() + 1;
        }
        let times = dates
            .iter()
            .map(|(li, word, value)| {
                let s = sentences[*li].start + lines[*li].find(word).unwrap();
                TimeExpr {
                    start: s,
                    end: s + word.len(),
                    text: word.to_string(),
                    kind: TimeType::Date,
                    value: value.to_string(),
                    relative: true,
                }
            })
            .collect();
        Document {
            id: id.into(),
            text,
            sentences,
            times,
            published: Some(published.into()),
            publisher: Some("Wire".into()),
            ..Default::default()
        }
    }

    fn docs() -> Vec<Document> {
        vec![
            report(
                "a",
                "2010-04-21",
                &[
                    "The drilling rig exploded in the Gulf of Mexico on Tuesday night, killing eleven workers.",
                    "Officials said the fire burned for hours before the coast guard arrived.",
                ],
                &[(0, "Tuesday", "2010-04-20")],
            ),
            report(
                "b",
                "2010-04-23",
                &[
                    "The rig sank on Thursday, two days after the explosion on Tuesday that killed eleven workers.",
                    "January 28 , 2010 05:28 pm | Report abuse | share this story .",
                ],
                &[(0, "Thursday", "2010-04-22"), (0, "Tuesday", "2010-04-20"), (1, "January 28 , 2010", "2010-01-28")],
            ),
            report(
                "c",
                "2010-05-02",
                &["Engineers have tried for ten days to cap the well since the explosion of April 20 killed eleven workers."],
                &[(0, "April 20", "2010-04-20")],
            ),
        ]
    }

    #[test]
    fn the_day_most_reports_look_back_to_ranks_first() {
        let o = KeyDateOptions {
            dates: 1,
            sentences_per_date: 1,
            ..Default::default()
        };
        let kd = key_dates(&docs(), &o);
        assert_eq!(kd.len(), 1);
        assert_eq!(kd[0].date, "2010-04-20");
        assert_eq!(kd[0].mentioned_by, 3);
        let s = &kd[0].sentences[0];
        assert!(s.text.contains("eleven workers"), "{}", s.text);
        // the sentence points back to its source
        let d = docs()
            .into_iter()
            .find(|d| d.id == s.source.document)
            .unwrap();
        assert_eq!(&d.text[s.source.start..s.source.end], s.text);
    }

    /// Reports of a matter whose coverage thins out: a day in the busy
    /// first week named by three of the many reports that follow it, and a
    /// day at the end named by both reports published after it.
    fn thinning_coverage() -> Vec<Document> {
        let mut docs = Vec::new();
        for (i, p) in ["2010-04-21", "2010-04-22", "2010-04-23"]
            .iter()
            .enumerate()
        {
            docs.push(report(
                &format!("early{i}"),
                p,
                &["The rig exploded in the Gulf on Tuesday and sank two days later."],
                &[(0, "Tuesday", "2010-04-20")],
            ));
        }
        for (i, p) in [
            "2010-04-21",
            "2010-04-22",
            "2010-04-23",
            "2010-04-24",
            "2010-05-10",
            "2010-06-01",
        ]
        .iter()
        .enumerate()
        {
            docs.push(report(
                &format!("mid{i}"),
                p,
                &["Crews kept working to contain the leak in the Gulf of Mexico."],
                &[],
            ));
        }
        for (i, p) in ["2010-07-16", "2010-07-17"].iter().enumerate() {
            docs.push(report(
                &format!("late{i}"),
                p,
                &["The well was capped on Thursday after eighty-seven days of leaking oil."],
                &[(0, "Thursday", "2010-07-15")],
            ));
        }
        docs
    }

    #[test]
    fn a_late_day_named_by_every_report_after_it_can_outrank_an_early_one() {
        let first = |o: &KeyDateOptions| key_dates(&thinning_coverage(), o)[0].date.clone();
        let plain = KeyDateOptions {
            dates: 1,
            sentences_per_date: 1,
            look_back_exponent: 0.0,
            volume_exponent: 0.0,
            ..Default::default()
        };
        // three mentions against two
        assert_eq!(first(&plain), "2010-04-20");
        // eleven reports could look back at the early day, two at the late one
        let corrected = KeyDateOptions {
            look_back_exponent: 1.0,
            ..plain.clone()
        };
        assert_eq!(first(&corrected), "2010-07-15");
        // the busy first week weighs the early day down as well
        let busy = KeyDateOptions {
            volume_exponent: 1.0,
            ..plain
        };
        assert_eq!(first(&busy), "2010-07-15");
    }

    #[test]
    fn a_report_published_before_a_day_does_not_summarize_it() {
        // The plan, told two days ahead, names the day; the report of
        // what happened is published the day after.
        let docs = vec![
            report(
                "plan",
                "2011-01-23",
                &["Organizers plan a large march through the capital on Tuesday, they said in a statement."],
                &[(0, "Tuesday", "2011-01-25")],
            ),
            report(
                "done",
                "2011-01-26",
                &["Thousands of protesters marched through the capital on Tuesday, clashing with police."],
                &[(0, "Tuesday", "2011-01-25")],
            ),
        ];
        let o = KeyDateOptions {
            dates: 1,
            sentences_per_date: 2,
            ..Default::default()
        };
        let kd = key_dates(&docs, &o);
        assert_eq!(kd[0].date, "2011-01-25");
        let from: Vec<&str> = kd[0]
            .sentences
            .iter()
            .map(|s| s.source.document.as_str())
            .collect();
        assert_eq!(from, ["done"]);
        // Allowed, the plan is a candidate too.
        let kd = key_dates(
            &docs,
            &KeyDateOptions {
                ahead_mentions: true,
                ..o
            },
        );
        assert_eq!(kd[0].sentences.len(), 2);
    }

    #[test]
    fn dates_come_out_in_order_and_furniture_is_never_picked() {
        let o = KeyDateOptions {
            dates: 5,
            sentences_per_date: 2,
            ..Default::default()
        };
        let kd = key_dates(&docs(), &o);
        let dates: Vec<&str> = kd.iter().map(|k| k.date.as_str()).collect();
        let mut sorted = dates.clone();
        sorted.sort_unstable();
        assert_eq!(dates, sorted);
        assert!(dates.contains(&"2010-04-22"));
        for k in &kd {
            for s in &k.sentences {
                assert!(!s.text.contains("Report abuse"), "{}", s.text);
            }
        }
    }

    #[test]
    fn the_span_keeps_dates_and_reports_outside_it_out() {
        let o = KeyDateOptions {
            dates: 5,
            sentences_per_date: 1,
            start: NaiveDate::from_ymd_opt(2010, 4, 21),
            end: NaiveDate::from_ymd_opt(2010, 4, 30),
            ..Default::default()
        };
        let kd = key_dates(&docs(), &o);
        assert!(kd
            .iter()
            .all(|k| ("2010-04-21".."2010-05-01").contains(&k.date.as_str())));
        assert!(kd.iter().any(|k| k.date == "2010-04-22"));
        // report c (published 2010-05-02) is outside the span: nothing of it
        assert!(kd
            .iter()
            .flat_map(|k| &k.sentences)
            .all(|s| s.source.document != "c"));
    }

    #[test]
    fn furniture_and_foreign_lines_are_not_pickable() {
        assert!(pickable(
            "The rig sank on Thursday after burning for two days.",
            40
        ));
        assert!(!pickable(
            "05:28 pm | Report abuse | share this story on the site today.",
            40
        ));
        assert!(!pickable(
            "AIRED JANUARY 29, 2011 THIS IS A RUSH TRANSCRIPT FOR ALL.",
            40
        ));
        assert!(!pickable(
            "Ta i T cents y Ban Nha cac quan ch c xac nh.",
            40
        ));
        assert!(!pickable("Too short here.", 40));
        assert!(!pickable(
            "A headline without an end stop that runs on and on",
            40
        ));
    }

    #[test]
    fn a_day_is_told_by_what_the_timeline_follows() {
        // 10 January: one report of the talks the timeline follows, two of
        // a football final the same day; the 12th and 14th are the talks.
        let lines = [
            ("a", "Ceasefire talks on Gaza hostages resumed in Doha on January 10 with the mediators.", "January 10", "2025-01-10"),
            ("b", "Football fans celebrated the league title in Madrid on January 10 with fireworks.", "January 10", "2025-01-10"),
            ("c", "Football fans in Barcelona marched on January 10 against ticket prices.", "January 10", "2025-01-10"),
            ("d", "Ceasefire talks on Gaza hostages stalled in Doha on January 12 as the mediators left.", "January 12", "2025-01-12"),
            ("e", "The mediators said ceasefire talks on Gaza hostages would resume in Doha on January 12.", "January 12", "2025-01-12"),
            ("f", "Gaza ceasefire talks on the hostages ended in Doha on January 14 with a deal.", "January 14", "2025-01-14"),
        ];
        let docs: Vec<Document> = lines
            .iter()
            .map(|(id, line, word, value)| report(id, "2025-01-20", &[line], &[(0, word, value)]))
            .collect();
        let picked_on_10th = |topic_weight: f64| {
            let o = KeyDateOptions {
                dates: 3,
                sentences_per_date: 1,
                topic_weight,
                ..Default::default()
            };
            let kd = key_dates(&docs, &o);
            let day = kd
                .iter()
                .find(|k| k.date == "2025-01-10")
                .expect("the 10th is chosen");
            day.sentences[0].source.document.clone()
        };
        assert_ne!(picked_on_10th(0.0), "a");
        assert_eq!(picked_on_10th(0.5), "a");
    }
}
