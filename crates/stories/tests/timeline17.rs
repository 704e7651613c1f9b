//! Regression guard for key-date timelines on three Timeline17 topics (in
//! ../shared/data): the per-topic scores of the default settings listed in
//! docs/BENCHMARKS.md, less a small margin. Skipped when the data is absent.

use std::path::Path;

use dossier_stories::tls::KeyDateOptions;
use dossier_stories::tls_eval::{evaluate, load_timeline17};

#[test]
fn timeline17_scores_hold() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/timelines/timeline17");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let mut topics = load_timeline17(&dir).expect("Timeline17 loads");
    assert!(topics.len() >= 17, "{} topics", topics.len());
    topics.retain(|t| {
        ["EgyptianProtest_cnn", "H1N1_guardian", "haiti_bbc"].contains(&t.name.as_str())
    });
    assert_eq!(topics.len(), 3);
    for t in &mut topics {
        t.docs.iter_mut().for_each(dossier_nlp::times::annotate);
    }
    let (scores, preds) = evaluate(&topics, &KeyDateOptions::default());
    assert_eq!(scores.len(), 3);
    // recorded (release build, default settings): R1 / R2 / date F1
    let recorded = [
        ("EgyptianProtest_cnn", 0.2338, 0.0927, 1.0),
        ("H1N1_guardian", 0.1429, 0.0433, 0.5833),
        ("haiti_bbc", 0.1837, 0.0365, 0.9091),
    ];
    for s in &scores {
        eprintln!(
            "{}: ROUGE-1 {:.4}, ROUGE-2 {:.4}, date F1 {:.4}",
            s.topic, s.rouge1_f, s.rouge2_f, s.date_f1
        );
    }
    for (s, (name, r1, r2, df)) in scores.iter().zip(recorded) {
        assert_eq!(s.topic, name);
        assert!(
            s.rouge1_f >= r1 - 0.01,
            "{name}: ROUGE-1 {} < {r1}",
            s.rouge1_f
        );
        assert!(
            s.rouge2_f >= r2 - 0.01,
            "{name}: ROUGE-2 {} < {r2}",
            s.rouge2_f
        );
        assert!(
            s.date_f1 >= df - 0.05,
            "{name}: date F1 {} < {df}",
            s.date_f1
        );
    }
    // every predicted timeline has the reference's length
    for ((p, s), t) in preds.iter().zip(&scores).zip(&topics) {
        assert_eq!(p.len(), t.timelines[s.timeline].len(), "{}", s.topic);
    }
}
