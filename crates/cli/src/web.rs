//! `dossier eval extraction DIR`: trafilatura's main-text benchmark scored
//! on Dossier's HTML extraction (see `dossier_extract::eval`).

use anyhow::{anyhow, Result};
use dossier_extract::eval;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// The web-extraction evaluations, flattened into `dossier eval` (see `eval.rs`).
#[derive(clap::Subcommand)]
pub enum EvalWhat {
    /// Main-text extraction on trafilatura's set (a folder holding
    /// `evaldata.json`, or `tests/evaldata.json`, with `cache/` and `eval/`).
    Extraction {
        dir: PathBuf,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        /// List the pages with missed or wrongly kept snippets (on stderr).
        #[arg(long)]
        errors: bool,
    },
}

pub fn run(what: EvalWhat) -> Result<i32> {
    match what {
        EvalWhat::Extraction { dir, json, errors } => extraction(&dir, json, errors),
    }
}

fn extraction(dir: &std::path::Path, json: bool, errors: bool) -> Result<i32> {
    let (root, cases) = eval::load(dir).map_err(|e| anyhow!(e))?;
    // Pages are read first so the timing covers extraction alone.
    let pages: Vec<Result<Vec<u8>, String>> = cases
        .iter()
        .map(|c| eval::read_page(&root, &c.file))
        .collect();
    let missing = pages.iter().filter(|p| p.is_err()).count();
    let t = Instant::now();
    let results: Vec<Option<(String, Option<String>)>> = pages
        .par_iter()
        .map(|p| {
            p.as_ref()
                .ok()
                .and_then(|html| eval::pipeline_output_and_language(html))
        })
        .collect();
    let secs = t.elapsed().as_secs_f64();
    let mut total = eval::Counts::default();
    // Per language the pipeline identified ("unknown" when the page failed
    // or the language could not be told): the held-out check of this issue
    // is on English news pages, a part of this set.
    let mut by_language: BTreeMap<String, (usize, eval::Counts)> = BTreeMap::new();
    let mut failed = 0;
    for (c, result) in cases.iter().zip(&results) {
        let out = result.as_ref().map(|(text, _)| text);
        let k = eval::count(c, out.map(String::as_str));
        total.add(k);
        let lang = result
            .as_ref()
            .and_then(|(_, l)| l.clone())
            .unwrap_or_else(|| "unknown".into());
        let entry = by_language.entry(lang).or_default();
        entry.0 += 1;
        entry.1.add(k);
        failed += out.is_none() as usize;
        if errors && (k.fn_ > 0 || k.fp > 0) {
            let o = out.map(|t| eval::norm(t)).unwrap_or_default();
            let missed: Vec<&String> = c
                .with
                .iter()
                .filter(|w| !o.contains(&eval::norm(w)))
                .collect();
            let kept: Vec<&String> = c
                .without
                .iter()
                .filter(|w| o.contains(&eval::norm(w)))
                .collect();
            eprintln!(
                "{}\t{}\tmissed {:?}\tkept {:?}",
                c.file,
                if out.is_none() { "FAILED" } else { "" },
                missed,
                kept
            );
        }
    }
    let s = total.scores();
    let threads = rayon::current_num_threads();
    let languages: serde_json::Map<String, serde_json::Value> = by_language
        .iter()
        .map(|(lang, (pages, k))| {
            let s = k.scores();
            let v = serde_json::json!({
                "pages": pages, "tp": k.tp, "fp": k.fp, "fn": k.fn_, "tn": k.tn,
                "precision": s.precision, "recall": s.recall, "f1": s.f1,
            });
            (lang.clone(), v)
        })
        .collect();
    if json {
        let v = serde_json::json!({
            "pages": cases.len(), "missing_files": missing, "failed": failed,
            "tp": total.tp, "fp": total.fp, "fn": total.fn_, "tn": total.tn,
            "precision": s.precision, "recall": s.recall, "accuracy": s.accuracy, "f1": s.f1,
            "seconds": secs, "threads": threads, "pages_per_second": cases.len() as f64 / secs.max(1e-9),
            "by_language": languages,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "{} pages ({} files missing, {} failed): {} with / {} without snippets",
            cases.len(),
            missing,
            failed,
            total.tp + total.fn_,
            total.fp + total.tn
        );
        println!(
            "precision {:.3}  recall {:.3}  accuracy {:.3}  F1 {:.3}",
            s.precision, s.recall, s.accuracy, s.f1
        );
        for (lang, (pages, k)) in by_language.iter().filter(|(_, (pages, _))| *pages >= 20) {
            let s = k.scores();
            println!(
                "  {lang}: {pages} pages, precision {:.3}  recall {:.3}  F1 {:.3}",
                s.precision, s.recall, s.f1
            );
        }
        println!(
            "{:.1} s on {} threads, {:.0} pages/s",
            secs,
            threads,
            cases.len() as f64 / secs.max(1e-9)
        );
    }
    Ok(0)
}
