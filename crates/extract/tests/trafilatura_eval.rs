//! Regression guard for the main-text extraction: the pipeline's score on
//! trafilatura's 990-page benchmark (`dossier eval extraction`, recorded in
//! docs/bench/web.md) must not fall. Skips when `../shared` is absent.

use dossier_extract::eval;
use std::path::Path;

/// F1 recorded in docs/bench/web.md for the current extractor.
const RECORDED_F1: f64 = 0.9348;

#[test]
fn extraction_keeps_its_recorded_f1_on_trafilaturas_benchmark() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/extraction/trafilatura-eval");
    let Ok((root, cases)) = eval::load(&dir) else {
        eprintln!("skipped: {} not found", dir.display());
        return;
    };
    assert_eq!(cases.len(), 990);
    let mut counts = eval::Counts::default();
    for case in &cases {
        let html = eval::read_page(&root, &case.file).unwrap();
        counts.add(eval::count(case, eval::pipeline_output(&html).as_deref()));
    }
    let s = counts.scores();
    assert!(
        s.f1 >= RECORDED_F1 - 0.0005,
        "extraction F1 fell to {:.4} (recorded {RECORDED_F1}): {counts:?}",
        s.f1
    );
}
