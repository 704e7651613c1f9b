//! Scoring key-date timelines on Timeline17, as Ghalandari & Ifrim (2020)
//! do: for each journalist's timeline of a topic, Dossier builds a timeline
//! of as many dates, with as many sentences per date as the reference has
//! on average, from the topic's articles published within the reference's
//! span; the two are compared by
//! - **alignment-based ROUGE-1 and ROUGE-2** (Martschat & Markert 2017,
//!   "align+ m:1"): each predicted date is matched to the reference date
//!   that costs least (date distance times content distance, the content
//!   distance from a rough ROUGE-1), and n-gram hits are weighted by
//!   `1 / (days apart + 1)`; recall the same way from the reference side;
//! - **date F1**: the dates both timelines have.
//!
//! Scores are averaged over timelines (macro), as in their evaluation code.
//!
//! The ROUGE counting follows ROUGE-1.5.5 as Martschat & Markert's tilse
//! calls it (lower-cased whitespace tokens, stop words removed, tokens
//! starting with a letter, digit or `$`, words over three letters stemmed),
//! with two stand-ins: Dossier's own stop-word list for ROUGE's SMART list,
//! and the Snowball stemmer for ROUGE's Porter stemmer with WordNet
//! exceptions. `scripts/bench/tilse_check.py` scores the same predicted
//! timelines with tilse and ROUGE-1.5.5 itself; `docs/BENCHMARKS.md` gives
//! both.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use dossier_model::{Document, Span};

use crate::text;
use crate::tls::{key_dates, KeyDateOptions};

/// A timeline: dates and their sentences.
pub type Timeline = BTreeMap<NaiveDate, Vec<String>>;

/// One Timeline17 topic: its articles and its reference timelines.
pub struct Topic {
    /// Folder name (`bpoil_bbc`).
    pub name: String,
    pub docs: Vec<Document>,
    pub timelines: Vec<Timeline>,
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Penn Treebank's bracket and quote tokens, as Timeline17's tokenized text
/// writes them, back to the characters they stand for.
fn untokenize(line: &str) -> String {
    line.split(' ')
        .map(|w| match w {
            "-LRB-" => "(",
            "-RRB-" => ")",
            "-LSB-" => "[",
            "-RSB-" => "]",
            "-LCB-" => "{",
            "-RCB-" => "}",
            "``" | "''" => "\"",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Timeline17 article as a document: its lines are its sentences (the
/// set comes split and tokenized; bracket and quote tokens are put back as
/// characters), its `time` the publication date.
fn article(id: String, text: &str, published: Option<NaiveDate>, outlet: &str) -> Document {
    let mut body = String::with_capacity(text.len());
    let mut sentences = Vec::new();
    for line in text.lines() {
        let line = untokenize(line.trim());
        let line = line.as_str();
        if line.is_empty() {
            continue;
        }
        if !body.is_empty() {
            body.push('\n');
        }
        let start = body.len();
        body.push_str(line);
        sentences.push(Span {
            start,
            end: body.len(),
        });
    }
    Document {
        id,
        text: body,
        sentences,
        published: published.map(|d| d.format("%Y-%m-%d").to_string()),
        publisher: Some(outlet.to_string()),
        ..Default::default()
    }
}

/// Reads a reference timeline file: one timeline per line, each a list of
/// `[date, [sentence, ...]]`. A date listed twice keeps its last entry, as
/// the published evaluation code reads it.
fn read_timelines(path: &Path) -> Result<Vec<Timeline>, String> {
    let raw =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (li, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Vec<(String, Vec<String>)> = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: {e}", path.display(), li + 1))?;
        let mut tl = Timeline::new();
        for (d, sents) in v {
            let d = parse_day(&d)
                .ok_or_else(|| format!("{}:{}: bad date {d:?}", path.display(), li + 1))?;
            tl.insert(d, sents);
        }
        if !tl.is_empty() {
            out.push(tl);
        }
    }
    Ok(out)
}

/// Loads every topic folder of `dir`: `articles.jsonl` (`id`, `time`,
/// `text`), or, where that is missing, `InputDocs/DATE/*.txt`; and
/// `timelines.jsonl`. Topics in name order.
pub fn load_timeline17(dir: &Path) -> Result<Vec<Topic>, String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("timelines.jsonl").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut topics = Vec::new();
    for name in names {
        let tdir = dir.join(&name);
        let outlet = name.rsplit('_').next().unwrap_or(&name).to_string();
        let mut docs = Vec::new();
        let arts = tdir.join("articles.jsonl");
        if arts.is_file() {
            let raw = std::fs::read_to_string(&arts)
                .map_err(|e| format!("reading {}: {e}", arts.display()))?;
            for (li, line) in raw.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(line)
                    .map_err(|e| format!("{}:{}: {e}", arts.display(), li + 1))?;
                let id = v["id"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| li.to_string());
                let pubd = v["time"].as_str().and_then(parse_day);
                let t = v["text"].as_str().unwrap_or("");
                docs.push(article(format!("{name}/{id}"), t, pubd, &outlet));
            }
        } else {
            let inputs = tdir.join("InputDocs");
            let mut days: Vec<_> = std::fs::read_dir(&inputs)
                .map_err(|e| format!("reading {}: {e}", inputs.display()))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect();
            days.sort();
            for dpath in days {
                let pubd = dpath
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(parse_day);
                let mut files: Vec<_> = std::fs::read_dir(&dpath)
                    .map_err(|e| format!("reading {}: {e}", dpath.display()))?
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .collect();
                files.sort();
                for f in files {
                    let bytes =
                        std::fs::read(&f).map_err(|e| format!("reading {}: {e}", f.display()))?;
                    let t = String::from_utf8_lossy(&bytes);
                    let rel = f.strip_prefix(&inputs).unwrap_or(&f).display().to_string();
                    docs.push(article(format!("{name}/{rel}"), &t, pubd, &outlet));
                }
            }
        }
        let timelines = read_timelines(&tdir.join("timelines.jsonl"))?;
        topics.push(Topic {
            name,
            docs,
            timelines,
        });
    }
    Ok(topics)
}

/// ROUGE-1.5.5 tokens of a summary (see the module notes).
fn rouge_tokens(sents: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sents {
        for tok in s.split_whitespace() {
            let tok = tok.to_ascii_lowercase();
            if text::is_stop_word(&tok) {
                continue;
            }
            if !tok
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '$')
            {
                continue;
            }
            if tok.chars().count() > 3 {
                out.push(text::stem(&tok));
            } else {
                out.push(tok);
            }
        }
    }
    out
}

fn ngrams(toks: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut m: HashMap<&[String], usize> = HashMap::new();
    if toks.len() >= n {
        for w in toks.windows(n) {
            *m.entry(w).or_default() += 1;
        }
    }
    m
}

/// ROUGE F1 of a summary against one reference, for n-grams of `n` words:
/// lower-cased alphanumeric tokens, Snowball stems, stop words kept (the
/// usual setting for summaries).
pub fn rouge_n_f(pred: &str, refr: &str, n: usize) -> f64 {
    let toks = |t: &str| -> Vec<String> {
        t.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                if w.chars().count() > 3 {
                    text::stem(w)
                } else {
                    w.to_string()
                }
            })
            .collect()
    };
    let (h, p, r) = rouge_counts(&toks(pred), &toks(refr), n);
    let (pp, rr) = (
        if p > 0.0 { h / p } else { 0.0 },
        if r > 0.0 { h / r } else { 0.0 },
    );
    f1(pp, rr)
}

/// (clipped hits, n-grams in the prediction, n-grams in the reference).
fn rouge_counts(pred: &[String], refr: &[String], n: usize) -> (f64, f64, f64) {
    let (p, r) = (ngrams(pred, n), ngrams(refr, n));
    let hits: usize = r
        .iter()
        .map(|(g, c)| p.get(g).map_or(0, |pc| (*pc).min(*c)))
        .sum();
    (
        hits as f64,
        p.values().sum::<usize>() as f64,
        r.values().sum::<usize>() as f64,
    )
}

/// The rough ROUGE-1 F1 tilse uses to align dates: raw whitespace tokens,
/// no stemming, no stop words.
fn approx_rouge1(pred: &[String], refr: &[String]) -> f64 {
    fn count(v: &[String]) -> HashMap<&str, usize> {
        let mut m: HashMap<&str, usize> = HashMap::new();
        for s in v {
            for t in s.split_whitespace() {
                *m.entry(t).or_default() += 1;
            }
        }
        m
    }
    let (p, r) = (count(pred), count(refr));
    let hit: usize = p
        .iter()
        .map(|(t, c)| r.get(t).map_or(0, |rc| (*rc).min(*c)))
        .sum();
    let (pn, rn) = (p.values().sum::<usize>(), r.values().sum::<usize>());
    if pn == 0 || rn == 0 {
        return 0.0;
    }
    let (pr, rc) = (hit as f64 / pn as f64, hit as f64 / rn as f64);
    if pr + rc == 0.0 {
        0.0
    } else {
        2.0 * pr * rc / (pr + rc)
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Precision, recall and F1 of one predicted timeline against one
/// reference, for ROUGE-1 (`[0]`) and ROUGE-2 (`[1]`), aligned many to one.
pub fn align_rouge(pred: &Timeline, refr: &Timeline) -> [(f64, f64, f64); 2] {
    let pd: Vec<(&NaiveDate, &Vec<String>)> = pred.iter().collect();
    let rd: Vec<(&NaiveDate, &Vec<String>)> = refr.iter().collect();
    if pd.is_empty() || rd.is_empty() {
        return [(0.0, 0.0, 0.0); 2];
    }
    let apart = |a: &NaiveDate, b: &NaiveDate| (*a - *b).num_days().unsigned_abs() as f64;
    let cost: Vec<Vec<f64>> = pd
        .iter()
        .map(|(a, ps)| {
            rd.iter()
                .map(|(b, rs)| (1.0 - 1.0 / (apart(a, b) + 1.0)) * (1.0 - approx_rouge1(ps, rs)))
                .collect()
        })
        .collect();
    // The first index of the smallest cost, as numpy's argmin.
    let argmin = |it: &mut dyn Iterator<Item = f64>| {
        let mut best = (0, f64::INFINITY);
        for (i, c) in it.enumerate() {
            if c < best.1 {
                best = (i, c);
            }
        }
        best.0
    };
    let ptoks: Vec<Vec<String>> = pd.iter().map(|(_, s)| rouge_tokens(s)).collect();
    let rtoks: Vec<Vec<String>> = rd.iter().map(|(_, s)| rouge_tokens(s)).collect();
    let mut out = [(0.0, 0.0, 0.0); 2];
    for (k, n) in [1usize, 2].into_iter().enumerate() {
        let (mut pnum, mut pden, mut rnum, mut rden) = (0.0, 0.0, 0.0, 0.0);
        for (i, row) in cost.iter().enumerate() {
            let j = argmin(&mut row.iter().copied());
            let (h, pc, _) = rouge_counts(&ptoks[i], &rtoks[j], n);
            pnum += h / (apart(pd[i].0, rd[j].0) + 1.0);
            pden += pc;
        }
        for j in 0..rd.len() {
            let i = argmin(&mut cost.iter().map(|row| row[j]));
            let (h, _, rc) = rouge_counts(&ptoks[i], &rtoks[j], n);
            rnum += h / (apart(pd[i].0, rd[j].0) + 1.0);
            rden += rc;
        }
        let p = if pden > 0.0 { pnum / pden } else { 0.0 };
        let r = if rden > 0.0 { rnum / rden } else { 0.0 };
        out[k] = (p, r, f1(p, r));
    }
    out
}

/// Precision, recall and F1 of the predicted dates.
pub fn date_scores(pred: &Timeline, refr: &Timeline) -> (f64, f64, f64) {
    if pred.is_empty() || refr.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let shared = pred.keys().filter(|d| refr.contains_key(d)).count() as f64;
    let (p, r) = (shared / pred.len() as f64, shared / refr.len() as f64);
    (p, r, f1(p, r))
}

/// Scores of one reference timeline.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimelineScore {
    pub topic: String,
    /// Which of the topic's reference timelines (0-based).
    pub timeline: usize,
    pub dates: usize,
    pub sentences_per_date: usize,
    pub rouge1_f: f64,
    pub rouge2_f: f64,
    pub date_f1: f64,
}

/// The options for predicting a timeline to set beside `refr`: as many
/// dates, the reference's mean sentences per date (rounded half to even, as
/// Python rounds), articles and dates within its first and last date.
pub fn options_for(refr: &Timeline, base: &KeyDateOptions) -> KeyDateOptions {
    let n = refr.len().max(1);
    let mean = refr.values().map(Vec::len).sum::<usize>() as f64 / n as f64;
    KeyDateOptions {
        dates: refr.len(),
        sentences_per_date: (mean.round_ties_even() as usize).max(1),
        start: refr.keys().next().copied(),
        end: refr.keys().next_back().copied(),
        ..base.clone()
    }
}

/// Predicts a timeline for every reference timeline of every topic
/// (`docs` annotated with time expressions) with the settings of `base`
/// (its length and span set from each reference) and scores it. Returns
/// the per-timeline scores and the predictions, in topic order.
pub fn evaluate(topics: &[Topic], base: &KeyDateOptions) -> (Vec<TimelineScore>, Vec<Timeline>) {
    let mut scores = Vec::new();
    let mut preds = Vec::new();
    for t in topics {
        for (ti, refr) in t.timelines.iter().enumerate() {
            let o = options_for(refr, base);
            let kd = key_dates(&t.docs, &o);
            let pred: Timeline = kd
                .into_iter()
                .filter_map(|k| {
                    let d = parse_day(&k.date)?;
                    Some((d, k.sentences.into_iter().map(|s| s.text).collect()))
                })
                .collect();
            let r = align_rouge(&pred, refr);
            let d = date_scores(&pred, refr);
            scores.push(TimelineScore {
                topic: t.name.clone(),
                timeline: ti,
                dates: o.dates,
                sentences_per_date: o.sentences_per_date,
                rouge1_f: r[0].2,
                rouge2_f: r[1].2,
                date_f1: d.2,
            });
            preds.push(pred);
        }
    }
    (scores, preds)
}

/// The subject of a topic folder: `bpoil` of `bpoil_bbc`. Folders of one
/// subject are different outlets' coverage of one matter.
pub fn subject(topic: &str) -> &str {
    topic.rsplit_once('_').map_or(topic, |(s, _)| s)
}

/// The settings tried in cross-validation: how many days a report's
/// opening stands for, salience against redundancy, the weight of a report
/// published on a date against one naming it, whether reports published
/// before a date may summarize it, the weight of a sentence's likeness to
/// the whole timeline, and the two corrections of a date's score for the
/// reports around it: few reports after it to look back (exponent 0, 0.5
/// or 1), many published the same week (0 or 0.5). Sentences are up to 60
/// words and may come from anywhere in a report: every subject chose those
/// over 40 words and the first five sentences when the grid offered them.
pub fn grid() -> Vec<KeyDateOptions> {
    let mut out = Vec::new();
    for published_days in [1, 2] {
        for lambda in [0.6, 0.7] {
            for published_weight in [0.1, 0.25] {
                for ahead_mentions in [false, true] {
                    for topic_weight in [0.0, 0.25, 0.5, 0.75] {
                        for look_back_exponent in [0.0, 0.5, 1.0] {
                            for volume_exponent in [0.0, 0.5] {
                                out.push(KeyDateOptions {
                                    published_days,
                                    lambda,
                                    published_weight,
                                    ahead_mentions,
                                    topic_weight,
                                    look_back_exponent,
                                    volume_exponent,
                                    ..Default::default()
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Leave-one-subject-out cross-validation over [`grid`]: for the
/// timelines of each subject, the setting is the one with the best mean
/// ROUGE-1 + ROUGE-2 F1 on every *other* subject's timelines, so no
/// timeline is scored with settings chosen on itself (stricter than
/// leaving out one topic folder: the five oil-spill folders go out
/// together). `runs[i]` is [`evaluate`] with `grid()[i]`. Returns the
/// scores and predictions, in topic order, and for each subject the index
/// of its setting in the grid.
pub fn cross_validate(
    topics: &[Topic],
    runs: &[(Vec<TimelineScore>, Vec<Timeline>)],
) -> (Vec<TimelineScore>, Vec<Timeline>, Vec<(String, usize)>) {
    let (runs, preds): (Vec<&Vec<TimelineScore>>, Vec<&Vec<Timeline>>) =
        runs.iter().map(|(s, p)| (s, p)).unzip();
    let mut subjects: Vec<&str> = topics.iter().map(|t| subject(&t.name)).collect();
    subjects.sort_unstable();
    subjects.dedup();
    let mut out: Vec<Option<(TimelineScore, Timeline)>> = vec![None; runs[0].len()];
    let mut chosen = Vec::new();
    for s in subjects {
        let mut best = (0, f64::NEG_INFINITY);
        for (ci, run) in runs.iter().enumerate() {
            let train: Vec<&TimelineScore> =
                run.iter().filter(|x| subject(&x.topic) != s).collect();
            let m = train.iter().map(|x| x.rouge1_f + x.rouge2_f).sum::<f64>()
                / train.len().max(1) as f64;
            if m > best.1 {
                best = (ci, m);
            }
        }
        for (i, x) in runs[best.0].iter().enumerate() {
            if subject(&x.topic) == s {
                out[i] = Some((x.clone(), preds[best.0][i].clone()));
            }
        }
        chosen.push((s.to_string(), best.0));
    }
    let (scores, preds) = out.into_iter().flatten().unzip();
    (scores, preds, chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tl(items: &[(&str, &[&str])]) -> Timeline {
        items
            .iter()
            .map(|(d, s)| {
                (
                    parse_day(d).unwrap(),
                    s.iter().map(|x| x.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn treebank_brackets_and_quotes_become_characters() {
        assert_eq!(
            untokenize("Cairo , Egypt -LRB- CNN -RRB- -- `` No , '' he said"),
            "Cairo , Egypt ( CNN ) -- \" No , \" he said"
        );
    }

    #[test]
    fn identical_timelines_score_one() {
        let a = tl(&[
            ("2010-04-20", &["The rig exploded in the Gulf of Mexico ."]),
            ("2010-07-15", &["BP capped the leaking well ."]),
        ]);
        let r = align_rouge(&a, &a);
        assert!((r[0].2 - 1.0).abs() < 1e-9, "{r:?}");
        assert!((r[1].2 - 1.0).abs() < 1e-9, "{r:?}");
        assert_eq!(date_scores(&a, &a).2, 1.0);
    }

    #[test]
    fn a_day_off_halves_the_credit_and_misses_the_date() {
        let refr = tl(&[("2010-04-20", &["The rig exploded in the Gulf ."])]);
        let pred = tl(&[("2010-04-21", &["The rig exploded in the Gulf ."])]);
        let r = align_rouge(&pred, &refr);
        assert!((r[0].0 - 0.5).abs() < 1e-9, "{r:?}");
        assert!((r[0].1 - 0.5).abs() < 1e-9, "{r:?}");
        assert_eq!(date_scores(&pred, &refr).2, 0.0);
    }

    #[test]
    fn stop_words_and_punctuation_do_not_count() {
        let t = rouge_tokens(&["The rig , the well and $ 20 billion .".to_string()]);
        assert_eq!(t, vec!["rig", "well", "$", "20", "billion"]);
    }

    #[test]
    fn reference_length_sets_the_options() {
        let refr = tl(&[
            ("2011-02-01", &["a .", "b ."]),
            ("2011-02-03", &["c .", "d .", "e ."]),
            ("2011-02-09", &["f ."]),
        ]);
        let o = options_for(&refr, &KeyDateOptions::default());
        assert_eq!(o.dates, 3);
        assert_eq!(o.sentences_per_date, 2);
        assert_eq!(o.start, parse_day("2011-02-01"));
        assert_eq!(o.end, parse_day("2011-02-09"));
    }
}
