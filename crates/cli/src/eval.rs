//! `dossier eval`: score each stage on public benchmarks in `../shared/data`.
//! Every scorer lives in the crate of the stage it measures; this file only
//! dispatches and prints.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `eval attribution` scores.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum AttributionPredictor {
    /// The quote rules alone.
    Rules,
    /// The learned attribution model alone.
    Learned,
    /// Both, as the pipeline runs them.
    Both,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub what: EvalWhat,
}

#[derive(clap::Subcommand)]
pub enum EvalWhat {
    #[command(flatten)]
    Web(crate::web::EvalWhat),
    /// Named entities on a CoNLL file: entity-level P/R/F1 and tokens per second.
    Ner(crate::ner::EvalNer),
    /// Time expressions on TimeML files (TempEval-3 scoring): strict and
    /// relaxed span F1, type accuracy, value F1.
    Timex {
        /// Folder of `.tml` files, searched recursively.
        dir: PathBuf,
        #[arg(long)]
        json: bool,
        /// Write every disagreement with the gold annotation (missed,
        /// spurious, wrong value or type), one JSON object a line.
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// Quote attribution on PolNeAR (`text/` and `attributions/`): source,
    /// cue and content spans, exact and overlap match.
    Attribution {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
        /// What to score: the quote rules and the learned attribution model
        /// together (as the pipeline runs them), or either alone.
        #[arg(long, value_enum, default_value = "both")]
        predictor: AttributionPredictor,
        /// A model file (`dossier train attribution`) instead of the
        /// committed one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Write each missed and spurious source, cue and content span with
        /// its sentence, one JSON object a line.
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// Story clustering, blind: Multi-News (`.jsonl`, a cluster per line),
    /// ECB+ (its `ECB+` folder; sub-topics as gold) or the news story chains
    /// (their folder, with `hand_coded/`; components of "same story" pairs as
    /// gold). B-cubed P/R/F1 and documents per second.
    Clustering {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Write `cluster_idx<TAB>doc_index<TAB>predicted_story` lines.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Run the full annotation pipeline (entities, figures) before grouping.
        #[arg(long)]
        annotate: bool,
        /// Feed the documents in this many batches, each grouped onto the
        /// stories of the ones before (as successive `dossier ingest` runs do).
        #[arg(long, default_value_t = 1)]
        batches: usize,
        /// With --batches: never cluster from scratch after the first batch
        /// (by default a batch that grows the documents by half since the
        /// last full clustering is clustered from scratch, as ingest does).
        #[arg(long)]
        extend_only: bool,
    },
    /// Timeline summarization on Timeline17 (a folder of topic folders):
    /// alignment-based ROUGE-1/2 F1 and date F1 per reference timeline and
    /// on average (Ghalandari & Ifrim 2020's protocol).
    Timelines {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
        /// Write the cross-validated predicted timelines, one JSON object per line
        /// (`topic`, `timeline`, `items`: `[date, [sentence, ...]]`), for
        /// `scripts/bench/tilse_check.py`.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
    /// Extractive story summaries on Multi-News (`.jsonl`): each gold
    /// cluster summarized as one story, within a word budget; ROUGE-1/2 F1
    /// against the human summaries (`scripts/bench/summary_baselines.py`
    /// scores the same output beside LexRank with Google's rouge-score).
    Summaries {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Words per summary (both the stopping point and the cut).
        #[arg(long, default_value_t = 250)]
        words: usize,
        /// Write `{"cluster", "idx", "summary"}` lines.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
    /// Storylines on Timeline17: every topic's articles mixed, grouped
    /// blind; purity and inverse purity against the topic folders and
    /// against their subjects (the oil-spill folders of five outlets are
    /// one matter).
    Storylines {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: EvalArgs) -> Result<i32> {
    match args.what {
        EvalWhat::Web(w) => crate::web::run(w),
        EvalWhat::Ner(n) => crate::ner::run_eval_ner(n),
        EvalWhat::Timex { dir, json, errors } => {
            ensure_dir(&dir)?;
            let mut found = Vec::new();
            let v = dossier_nlp::times::eval::evaluate_timeml_with_errors(
                &dir,
                errors.is_some().then_some(&mut found),
            );
            if let Some(path) = &errors {
                let lines: String = found.iter().map(|e| format!("{e}\n")).collect();
                std::fs::write(path, lines)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            print_scores(
                &v,
                json,
                &["strict_f1", "relaxed_f1", "type_accuracy", "value_f1"],
            );
            Ok(0)
        }
        EvalWhat::Attribution {
            dir,
            json,
            predictor,
            model,
            errors,
        } => {
            use dossier_nlp::attribution::{committed, Model};
            use dossier_nlp::quotes::eval::{evaluate_polnear_with_errors, Predictor};
            ensure_dir(&dir)?;
            let from_file;
            let loaded: &Model = match &model {
                Some(p) => {
                    let bytes =
                        std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
                    from_file = Model::from_bytes(&bytes)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                    &from_file
                }
                None => committed().map_err(|e| anyhow::anyhow!(e))?,
            };
            let mut found = Vec::new();
            let v = evaluate_polnear_with_errors(
                &dir,
                match predictor {
                    AttributionPredictor::Rules => Predictor::Rules,
                    AttributionPredictor::Learned => Predictor::Learned(loaded),
                    AttributionPredictor::Both => Predictor::Both(loaded),
                },
                errors.is_some().then_some(&mut found),
            );
            if let Some(path) = &errors {
                let lines: String = found.iter().map(|e| format!("{e}\n")).collect();
                std::fs::write(path, lines)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for part in ["source", "cue", "content"] {
                    let p = &v[part];
                    println!(
                        "{part:<8} exact F1 {:.3}   overlap F1 {:.3}   (P {:.3} R {:.3} overlap)",
                        p["exact_f1"].as_f64().unwrap_or(0.0),
                        p["overlap_f1"].as_f64().unwrap_or(0.0),
                        p["overlap_precision"].as_f64().unwrap_or(0.0),
                        p["overlap_recall"].as_f64().unwrap_or(0.0)
                    );
                }
            }
            Ok(0)
        }
        EvalWhat::Clustering {
            file,
            json,
            predictions,
            annotate,
            batches,
            extend_only,
        } => clustering(
            &file,
            json,
            predictions.as_deref(),
            annotate,
            batches,
            extend_only,
        ),
        EvalWhat::Timelines {
            dir,
            json,
            predictions,
        } => timelines(&dir, json, predictions.as_deref()),
        EvalWhat::Storylines { dir, json } => storylines(&dir, json),
        EvalWhat::Summaries {
            file,
            json,
            words,
            predictions,
        } => summaries(&file, json, words, predictions.as_deref()),
    }
}

fn ensure_dir(dir: &Path) -> Result<()> {
    anyhow::ensure!(dir.is_dir(), "{} is not a folder", dir.display());
    Ok(())
}

fn print_scores(v: &serde_json::Value, json: bool, keys: &[&str]) {
    if json {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
    } else {
        for k in keys {
            println!("{k:<14} {:.4}", v[*k].as_f64().unwrap_or(f64::NAN));
        }
    }
}

/// (cluster idx, article index) of each Multi-News article that
/// `load_multinews` keeps, in its order.
fn multinews_positions(path: &Path) -> Result<Vec<(String, usize)>> {
    let raw =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (li, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), li + 1))?;
        let idx = v
            .get("idx")
            .map(|x| x.to_string())
            .unwrap_or_else(|| li.to_string());
        for (ai, a) in v
            .get("cleansed_document")
            .and_then(|a| a.as_array())
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if !a.as_str().unwrap_or("").trim().is_empty() {
                out.push((idx.clone(), ai));
            }
        }
    }
    Ok(out)
}

fn clustering(
    file: &Path,
    json: bool,
    predictions: Option<&Path>,
    annotate: bool,
    batches: usize,
    extend_only: bool,
) -> Result<i32> {
    use dossier_stories::{eval, Options};
    let chains = file.join("hand_coded").is_dir();
    let ecb = file.is_dir() && !chains;
    let (mut docs, gold, positions) = if chains {
        let (docs, gold) = eval::load_story_chains(file).map_err(anyhow::Error::msg)?;
        let pos = docs.iter().map(|d| (d.id.clone(), 0)).collect();
        (docs, gold, pos)
    } else if ecb {
        let (docs, sub, _topic) = eval::load_ecbplus(file).map_err(anyhow::Error::msg)?;
        let pos = docs.iter().map(|d| (d.id.clone(), 0)).collect();
        (docs, sub, pos)
    } else {
        let (docs, gold) = eval::load_multinews(file).map_err(anyhow::Error::msg)?;
        (docs, gold, multinews_positions(file)?)
    };
    anyhow::ensure!(!docs.is_empty(), "no documents in {}", file.display());
    let t = std::time::Instant::now();
    if annotate {
        use rayon::prelude::*;
        let p = dossier_nlp::Pipeline::new().map_err(anyhow::Error::msg)?;
        docs.par_iter_mut().for_each(|d| p.annotate(d));
        dossier_nlp::entities::unify_across(&mut docs);
    }
    let annotate_secs = t.elapsed().as_secs_f64();
    let opts = Options::default();
    let mut score = eval::score_in_batches(&docs, &gold, batches, extend_only, &opts);
    if annotate {
        let group_secs = docs.len() as f64 / score.docs_per_second;
        score.docs_per_second = docs.len() as f64 / (group_secs + annotate_secs);
    }
    if let Some(out) = predictions {
        let pred = if batches > 1 {
            eval::story_labels_in_batches(&docs, batches, extend_only, &opts)
        } else {
            eval::story_labels(&docs, &opts)
        };
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?,
        );
        for ((c, a), p) in positions.iter().zip(&pred) {
            writeln!(w, "{c}\t{a}\t{p}")?;
        }
        w.flush()?;
    }
    let v = serde_json::json!({
        "dataset": if chains { "story-chains" } else if ecb { "ecbplus" } else { "multinews" },
        "documents": score.documents,
        "gold_clusters": score.gold_clusters,
        "predicted_clusters": score.predicted_clusters,
        "bcubed_precision": score.precision,
        "bcubed_recall": score.recall,
        "bcubed_f1": score.f1,
        "docs_per_second": score.docs_per_second,
        "annotated": annotate,
        "batches": batches.max(1),
        "extend_only": extend_only,
    });
    print_scores(
        &v,
        json,
        &[
            "bcubed_precision",
            "bcubed_recall",
            "bcubed_f1",
            "docs_per_second",
        ],
    );
    Ok(0)
}

fn timelines(dir: &Path, json: bool, predictions: Option<&Path>) -> Result<i32> {
    use dossier_stories::tls_eval;
    use rayon::prelude::*;
    ensure_dir(dir)?;
    let mut topics = tls_eval::load_timeline17(dir).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(!topics.is_empty(), "no topic folders in {}", dir.display());
    let t = std::time::Instant::now();
    let mut n_docs = 0;
    for topic in &mut topics {
        n_docs += topic.docs.len();
        topic
            .docs
            .par_iter_mut()
            .for_each(dossier_nlp::times::annotate);
    }
    let annotate_secs = t.elapsed().as_secs_f64();
    let base = dossier_stories::tls::KeyDateOptions::default();
    let grid = tls_eval::grid();
    // Settings run side by side on every core; each run's own time is kept
    // so `predict_seconds` stays the time of one setting.
    let timed: Vec<_> = grid
        .par_iter()
        .map(|o| {
            let t = std::time::Instant::now();
            let r = tls_eval::evaluate(&topics, o);
            (r, t.elapsed().as_secs_f64())
        })
        .collect();
    let run_secs: f64 = timed.iter().map(|x| x.1).sum();
    let runs: Vec<_> = timed.into_iter().map(|x| x.0).collect();
    // The shipped defaults are one of the grid's settings.
    let scores = match grid.iter().position(|o| *o == base) {
        Some(i) => runs[i].0.clone(),
        None => tls_eval::evaluate(&topics, &base).0,
    };
    let predict_secs = run_secs / runs.len() as f64;
    let (cv, cv_preds, chosen) = tls_eval::cross_validate(&topics, &runs);
    if let Some(out) = predictions {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?,
        );
        for (s, p) in cv.iter().zip(&cv_preds) {
            let items: Vec<(String, &Vec<String>)> = p
                .iter()
                .map(|(d, v)| (d.format("%Y-%m-%d").to_string(), v))
                .collect();
            let line =
                serde_json::json!({"topic": s.topic, "timeline": s.timeline, "items": items});
            writeln!(w, "{line}")?;
        }
        w.flush()?;
    }
    let mean = |v: &[tls_eval::TimelineScore], f: fn(&tls_eval::TimelineScore) -> f64| {
        v.iter().map(f).sum::<f64>() / v.len().max(1) as f64
    };
    let settings = |o: &dossier_stories::tls::KeyDateOptions| {
        serde_json::json!({
            "max_words": o.max_words,
            "lead_sentences": o.lead_sentences,
            "mention_depth": if o.mention_depth == usize::MAX { serde_json::Value::Null } else { o.mention_depth.into() },
            "published_days": o.published_days,
            "lambda": o.lambda,
            "later_weight": o.later_weight,
            "published_weight": o.published_weight,
            "ahead_mentions": o.ahead_mentions,
            "topic_weight": o.topic_weight,
            "look_back_exponent": o.look_back_exponent,
            "volume_exponent": o.volume_exponent,
        })
    };
    let v = serde_json::json!({
        "dataset": "timeline17",
        "topics": topics.len(),
        "timelines": scores.len(),
        "documents": n_docs,
        "protocol": "leave one subject out: each subject's timelines scored with the settings that did best on the other subjects",
        "rouge1_f": mean(&cv, |s| s.rouge1_f),
        "rouge2_f": mean(&cv, |s| s.rouge2_f),
        "date_f1": mean(&cv, |s| s.date_f1),
        "chosen_settings": chosen.iter().map(|(s, i)| serde_json::json!({"subject": s, "settings": settings(&grid[*i])})).collect::<Vec<_>>(),
        "per_timeline": cv,
        "default_settings": {
            "settings": settings(&base),
            "rouge1_f": mean(&scores, |s| s.rouge1_f),
            "rouge2_f": mean(&scores, |s| s.rouge2_f),
            "date_f1": mean(&scores, |s| s.date_f1),
            "per_timeline": scores,
        },
        "grid": grid.iter().zip(&runs).map(|(o, (sc, _))| serde_json::json!({
            "settings": settings(o),
            "rouge1_f": mean(sc, |s| s.rouge1_f),
            "rouge2_f": mean(sc, |s| s.rouge2_f),
            "date_f1": mean(sc, |s| s.date_f1),
        })).collect::<Vec<_>>(),
        "annotate_seconds": annotate_secs,
        "predict_seconds": predict_secs,
    });
    print_scores(&v, json, &["rouge1_f", "rouge2_f", "date_f1"]);
    Ok(0)
}

fn storylines(dir: &Path, json: bool) -> Result<i32> {
    use dossier_stories::{eval, tls_eval, Options};
    use rayon::prelude::*;
    ensure_dir(dir)?;
    let topics = tls_eval::load_timeline17(dir).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(!topics.is_empty(), "no topic folders in {}", dir.display());
    let mut docs = Vec::new();
    let (mut by_topic, mut by_subject) = (Vec::new(), Vec::new());
    let mut subjects: Vec<&str> = topics.iter().map(|t| tls_eval::subject(&t.name)).collect();
    subjects.sort_unstable();
    subjects.dedup();
    for (ti, t) in topics.iter().enumerate() {
        let si = subjects
            .iter()
            .position(|s| *s == tls_eval::subject(&t.name))
            .unwrap_or(0);
        for d in &t.docs {
            let mut d = d.clone();
            // Neither the outlet nor the id (`bpoil_bbc/12`) reaches the
            // grouping: the folder name would tell the answer. A hashed id
            // also mixes the topics in the order grouping sorts by.
            d.publisher = None;
            d.id = blake3::hash(d.id.as_bytes()).to_hex()[..16].to_string();
            docs.push(d);
            by_topic.push(ti);
            by_subject.push(si);
        }
    }
    let t = std::time::Instant::now();
    let p = dossier_nlp::Pipeline::new().map_err(anyhow::Error::msg)?;
    docs.par_iter_mut().for_each(|d| p.annotate(d));
    dossier_nlp::entities::unify_across(&mut docs);
    let pred = eval::storyline_labels(&docs, &Options::default());
    let secs = t.elapsed().as_secs_f64();
    let count = |v: &[usize]| v.iter().collect::<std::collections::HashSet<_>>().len();
    let score = |gold: &[usize]| {
        let (p, ip, f) = eval::purity(gold, &pred);
        let (bp, br, bf) = eval::bcubed(gold, &pred);
        serde_json::json!({
            "classes": count(gold),
            "purity": p, "inverse_purity": ip, "f1": f,
            "bcubed_precision": bp, "bcubed_recall": br, "bcubed_f1": bf,
        })
    };
    let v = serde_json::json!({
        "dataset": "timeline17",
        "documents": docs.len(),
        "predicted_storylines": count(&pred),
        "by_topic": score(&by_topic),
        "by_subject": score(&by_subject),
        "docs_per_second": docs.len() as f64 / secs.max(1e-9),
    });
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for k in ["by_topic", "by_subject"] {
            println!(
                "{k:<11} purity {:.4}  inverse purity {:.4}  F1 {:.4}",
                v[k]["purity"].as_f64().unwrap_or(0.0),
                v[k]["inverse_purity"].as_f64().unwrap_or(0.0),
                v[k]["f1"].as_f64().unwrap_or(0.0)
            );
        }
        println!("storylines  {}", v["predicted_storylines"]);
    }
    Ok(0)
}

/// The first `n` whitespace-separated words of `t`.
fn cut_words(t: &str, n: usize) -> String {
    t.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

fn summaries(file: &Path, json: bool, words: usize, predictions: Option<&Path>) -> Result<i32> {
    use dossier_stories::{eval, tls_eval, Options};
    let (docs, gold) = eval::load_multinews(file).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(!docs.is_empty(), "no documents in {}", file.display());
    let raw =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut refs: std::collections::BTreeMap<usize, (String, String)> = Default::default();
    for (li, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}", file.display(), li + 1))?;
        let s = v["summary"].as_str().unwrap_or("").trim().to_string();
        refs.insert(li, (v["idx"].to_string(), s));
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for (d, g) in docs.iter().zip(&gold) {
        groups.entry(*g).or_default().push(d.id.clone());
    }
    let keys: Vec<usize> = groups.keys().copied().collect();
    let lists: Vec<Vec<String>> = groups.into_values().collect();
    let t = std::time::Instant::now();
    let out = dossier_stories::summarize(&docs, &lists, usize::MAX, words, &Options::default());
    let secs = t.elapsed().as_secs_f64();
    let mut w = match predictions {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => None,
    };
    let (mut r1, mut r2, mut n) = (0.0, 0.0, 0usize);
    for (k, summ) in keys.iter().zip(&out) {
        let text = summ
            .iter()
            .map(|s| s.text.trim())
            .collect::<Vec<_>>()
            .join(" ");
        let (idx, reference) = &refs[k];
        if let Some(w) = w.as_mut() {
            writeln!(
                w,
                "{}",
                serde_json::json!({"cluster": k, "idx": idx, "summary": text})
            )?;
        }
        if reference.is_empty() {
            continue;
        }
        let cut = cut_words(&text, words);
        r1 += tls_eval::rouge_n_f(&cut, reference, 1);
        r2 += tls_eval::rouge_n_f(&cut, reference, 2);
        n += 1;
    }
    if let Some(mut w) = w {
        w.flush()?;
    }
    let n = n.max(1) as f64;
    let v = serde_json::json!({
        "dataset": "multinews",
        "clusters": keys.len(),
        "documents": docs.len(),
        "words": words,
        "rouge1_f": r1 / n,
        "rouge2_f": r2 / n,
        "clusters_per_second": keys.len() as f64 / secs.max(1e-9),
    });
    print_scores(&v, json, &["rouge1_f", "rouge2_f", "clusters_per_second"]);
    Ok(0)
}
