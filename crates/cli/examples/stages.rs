//! Time each stage of `dossier analyze` on one core, to see where the time
//! goes: `cargo run --release --example stages -- DIR`.

use dossier_model::SourceHints;
use dossier_nlp::{entities, figures, quotes, segment, times};
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
    let ner = entities::Recognizer::load().expect("NER model loads");
    let mut spent = [Duration::ZERO; 6];
    let names = [
        "extract", "segment", "entities", "times", "figures", "quotes",
    ];
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
        spent[0] += t.elapsed();
        let t = Instant::now();
        doc.paragraphs = segment::paragraphs(&doc.text);
        doc.sentences = segment::sentences(&doc.text);
        spent[1] += t.elapsed();
        let t = Instant::now();
        ner.annotate(&mut doc);
        spent[2] += t.elapsed();
        let t = Instant::now();
        times::annotate(&mut doc);
        spent[3] += t.elapsed();
        let t = Instant::now();
        figures::annotate(&mut doc);
        spent[4] += t.elapsed();
        let t = Instant::now();
        quotes::annotate(&mut doc);
        spent[5] += t.elapsed();
    }
    let total = all.elapsed();
    let n = paths.len() as f64;
    for (name, d) in names.iter().zip(spent) {
        println!(
            "{name:9} {:7.3} ms/doc {:5.1}%",
            d.as_secs_f64() * 1000.0 / n,
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    println!(
        "total     {:7.3} ms/doc ({:.0} docs/s)",
        total.as_secs_f64() * 1000.0 / n,
        n / total.as_secs_f64()
    );
}
