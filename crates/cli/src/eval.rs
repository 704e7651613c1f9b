//! `dossier eval`: score each stage on public benchmarks in `../shared/data`.
//! Every scorer lives in the crate of the stage it measures; this file only
//! dispatches and prints.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    },
    /// Quote attribution on PolNeAR (`text/` and `attributions/`): source,
    /// cue and content spans, exact and overlap match.
    Attribution {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Story clustering, blind: Multi-News (`.jsonl`, a cluster per line) or
    /// ECB+ (its `ECB+` folder; sub-topics as gold). B-cubed P/R/F1 and
    /// documents per second.
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
    },
}

pub fn run(args: EvalArgs) -> Result<i32> {
    match args.what {
        EvalWhat::Web(w) => crate::web::run(w),
        EvalWhat::Ner(n) => crate::ner::run_eval_ner(n),
        EvalWhat::Timex { dir, json } => {
            ensure_dir(&dir)?;
            let v = dossier_nlp::times::eval::evaluate_timeml(&dir);
            print_scores(
                &v,
                json,
                &["strict_f1", "relaxed_f1", "type_accuracy", "value_f1"],
            );
            Ok(0)
        }
        EvalWhat::Attribution { dir, json } => {
            ensure_dir(&dir)?;
            let v = dossier_nlp::quotes::eval::evaluate_polnear(&dir);
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
        } => clustering(&file, json, predictions.as_deref(), annotate),
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

fn clustering(file: &Path, json: bool, predictions: Option<&Path>, annotate: bool) -> Result<i32> {
    use dossier_stories::{eval, Options};
    let ecb = file.is_dir();
    let (mut docs, gold, positions) = if ecb {
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
    let mut score = eval::score(&docs, &gold, &opts);
    if annotate {
        let group_secs = docs.len() as f64 / score.docs_per_second;
        score.docs_per_second = docs.len() as f64 / (group_secs + annotate_secs);
    }
    if let Some(out) = predictions {
        let pred = eval::story_labels(&docs, &opts);
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?,
        );
        for ((c, a), p) in positions.iter().zip(&pred) {
            writeln!(w, "{c}\t{a}\t{p}")?;
        }
        w.flush()?;
    }
    let v = serde_json::json!({
        "dataset": if ecb { "ecbplus" } else { "multinews" },
        "documents": score.documents,
        "gold_clusters": score.gold_clusters,
        "predicted_clusters": score.predicted_clusters,
        "bcubed_precision": score.precision,
        "bcubed_recall": score.recall,
        "bcubed_f1": score.f1,
        "docs_per_second": score.docs_per_second,
        "annotated": annotate,
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
