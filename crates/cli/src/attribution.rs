//! `dossier train attribution`: train the attribution model (cue tagger and
//! role tagger, see `dossier_nlp::attribution`) on PolNeAR's training split
//! and write it with a JSON record of how it was chosen.

use anyhow::{Context, Result};
use clap::Args;
use dossier_nlp::attribution::{self, TrainOptions};
use std::path::PathBuf;

#[derive(Args)]
pub struct TrainAttribution {
    /// A PolNeAR folder (`text/`, `attributions/`) to train on. Never the
    /// split the scores are reported on.
    #[arg(long, default_value = "../shared/data/quotes/polnear/data/train")]
    pub data: PathBuf,
    /// Passes over the data; the best on the held-out documents is kept.
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Keep one training document in N out of training, to choose the
    /// number of passes and the cue bias (0: none).
    #[arg(long, default_value_t = 10)]
    pub holdout: usize,
    /// Do not train again on all documents after choosing on the held-out
    /// ones (the written model is then the one the held-out scores are for).
    #[arg(long)]
    pub no_refit: bool,
    /// Leave out features whose weights all lie within this many steps of
    /// zero (a step is a tagger's largest weight / 32767): a smaller model,
    /// read faster. 0 keeps every feature with a non-zero weight; the
    /// default lost nothing on the held-out documents (see the model card).
    #[arg(long, default_value_t = TrainOptions::default().prune)]
    pub prune: u16,
    /// Where to write the model; its record goes beside it as `.json`.
    #[arg(long, default_value = "models/attribution/polnear.bin")]
    pub out: PathBuf,
}

pub fn train(a: &TrainAttribution) -> Result<()> {
    let corpus = attribution::read_polnear(&a.data)
        .with_context(|| format!("reading PolNeAR files under {}", a.data.display()))?;
    for name in &corpus.skipped {
        eprintln!("skipped {name}: its text or annotation file could not be read");
    }
    let docs = corpus.docs;
    anyhow::ensure!(
        !docs.is_empty(),
        "no annotated documents under {} (expected text/ and attributions/)",
        a.data.display()
    );
    let opts = TrainOptions {
        epochs: a.epochs,
        holdout: a.holdout,
        refit: !a.no_refit,
        prune: a.prune,
        ..Default::default()
    };
    let t0 = std::time::Instant::now();
    let (model, passes, biases) = attribution::train(&docs, &opts, &mut |p| {
        eprintln!(
            "pass {:>2}: held-out cue-word F1 {:.3}, role-word F1 {:.3}",
            p.epoch, p.cue_f1, p.role_f1
        )
    });
    let secs = t0.elapsed().as_secs_f64();
    attribution::save(&model, &a.out).with_context(|| format!("writing {}", a.out.display()))?;
    let record = serde_json::json!({
        "model": a.out.file_name().map(|f| f.to_string_lossy().to_string()),
        "train": a.data.display().to_string(),
        "annotation_files": docs.len(),
        "epochs": a.epochs,
        "holdout": a.holdout,
        "refit_on_all": !a.no_refit,
        "prune_steps": a.prune,
        "cue_bias": model.cue_bias(),
        "features": model.features(),
        "held_out_passes": passes,
        "held_out_cue_biases": biases,
        "training_seconds": (secs * 10.0).round() / 10.0,
    });
    let side = a.out.with_extension("json");
    std::fs::write(&side, serde_json::to_string_pretty(&record)? + "\n")
        .with_context(|| format!("writing {}", side.display()))?;
    eprintln!(
        "saved {} (cue bias {}, {} features) and {}",
        a.out.display(),
        model.cue_bias(),
        model.features(),
        side.display()
    );
    Ok(())
}
