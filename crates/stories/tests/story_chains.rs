//! The news story chains (Gedikli et al. 2021, in `../shared/data/stories`):
//! a guard on story grouping over dated reports from several outlets. One
//! of the three tuning sets since session 22 (the story threshold was
//! chosen to lose nothing on it, ECB+ or ECB+ among unrelated reports); the
//! bound sits under the score recorded in `docs/BENCHMARKS.md` (B-cubed F1
//! 0.967) by the width of one story split or merged in a hundred documents.

use std::path::Path;

use dossier_stories::eval::{load_story_chains, score};
use dossier_stories::Options;

#[test]
fn story_chains_are_grouped_as_the_coders_grouped_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/stories/news-story-chains");
    if !dir.join("hand_coded").is_dir() {
        eprintln!("skipped: {} not found", dir.display());
        return;
    }
    let (docs, gold) = load_story_chains(&dir).unwrap();
    assert_eq!(docs.len(), 100);
    let stories: std::collections::HashSet<usize> = gold.iter().copied().collect();
    assert_eq!(stories.len(), 45);
    let s = score(&docs, &gold, &Options::default());
    assert!(
        s.f1 >= 0.94,
        "B-cubed F1 {:.4} (P {:.3}, R {:.3})",
        s.f1,
        s.precision,
        s.recall
    );
}
