//! Time each stage of `dossier analyze` on one core, to see where the time
//! goes: `cargo run --release --example stages -- DIR`.

use dossier_model::SourceHints;
use dossier_nlp::{Pipeline, Stage};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: stages DIR");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable directory")
        .map(|e| e.expect("directory entry").path())
        .collect();
    paths.sort();
    let pipeline = Pipeline::new().expect("models load");
    let mut extract = Duration::ZERO;
    let mut spent = [Duration::ZERO; Stage::ALL.len()];
    // The attribution model's share of the quotes stage, timed on a second
    // run over each document and left out of the total.
    let model = dossier_nlp::attribution::committed().expect("attribution model loads");
    let mut learned = Duration::ZERO;
    let all = Instant::now();
    for p in &paths {
        let bytes = std::fs::read(p).expect("readable file");
        let hints = SourceHints {
            path: Some(p.display().to_string()),
            ..Default::default()
        };
        let t = Instant::now();
        let Ok(mut doc) = dossier_extract::extract(&bytes, &hints) else {
            continue;
        };
        extract += t.elapsed();
        for (i, stage) in Stage::ALL.into_iter().enumerate() {
            let t = Instant::now();
            pipeline.run(stage, &mut doc);
            spent[i] += t.elapsed();
        }
        let t = Instant::now();
        std::hint::black_box(model.find_doc(&doc));
        learned += t.elapsed();
    }
    let total = all.elapsed() - learned;
    let n = paths.len() as f64;
    let names = std::iter::once("extract").chain(Stage::ALL.iter().map(|s| s.name()));
    for (name, d) in names.zip(std::iter::once(extract).chain(spent)) {
        println!(
            "{name:9} {:7.3} ms/doc {:5.1}%",
            d.as_secs_f64() * 1000.0 / n,
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }

    println!(
        "  of which the attribution model {:.3} ms/doc",
        learned.as_secs_f64() * 1000.0 / n
    );
    println!(
        "total     {:7.3} ms/doc ({:.0} docs/s)",
        total.as_secs_f64() * 1000.0 / n,
        n / total.as_secs_f64()
    );
}
