//! Threshold sweeps on ECB+ (sub-topic = story). Run by hand:
//! `cargo test -p dossier-stories --release --test tune -- --ignored --nocapture`

use std::path::Path;

use dossier_stories::eval::{bcubed, load_ecbplus, score, storyline_labels};
use dossier_stories::Options;

#[test]
#[ignore]
fn sweep_ecbplus() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/stories/ecbplus/ECB+");
    let Ok((docs, sub, top)) = load_ecbplus(&dir) else {
        eprintln!("skipped: ECB+ not found");
        return;
    };
    eprintln!("{} documents", docs.len());
    for t in [0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2] {
        let o = Options {
            storyline_threshold: t,
            ..Options::default()
        };
        let (p, r, f) = bcubed(&top, &storyline_labels(&docs, &o));
        eprintln!("storyline t={t:.2} vs topic: P {p:.3} R {r:.3} F {f:.3}");
    }
    for t in [0.15, 0.18, 0.2, 0.22, 0.25] {
        let o = Options {
            story_threshold: t,
            ..Options::default()
        };
        let s = score(&docs, &sub, &o);
        let s2 = score(&docs, &top, &o);
        eprintln!(
            "t={t:.2} sub: P {:.3} R {:.3} F {:.3} ({} clusters) | topic: F {:.3} | {:.0} docs/s",
            s.precision, s.recall, s.f1, s.predicted_clusters, s2.f1, s.docs_per_second
        );
    }
}

/// Multi-News dev, blind: evaluation only (never used to pick a setting).
#[test]
#[ignore]
fn eval_multinews_dev() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/stories/multinews-dev.jsonl");
    if !path.exists() {
        eprintln!("skipped: {} not found", path.display());
        return;
    }
    let s = dossier_stories::eval::eval_multinews(&path, &Options::default()).unwrap();
    eprintln!("{s:?}");
}
