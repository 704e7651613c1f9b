//! Train the entity tagger and score it.
//!
//! `cargo run --release -p dossier-nlp --example train_ner -- TRAIN DEV EPOCHS OUT`
//! trains on TRAIN (CoNLL layout), keeps the pass that scores best on DEV,
//! writes the model to OUT and prints the dev scores and tagging speed.
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 4 {
        eprintln!("usage: train_ner TRAIN DEV EPOCHS OUT");
        std::process::exit(2);
    }
    let epochs: usize = args[2].parse().unwrap_or_else(|_| {
        eprintln!("EPOCHS must be a number, got {:?}", args[2]);
        std::process::exit(2)
    });
    let run = || -> Result<(), dossier_nlp::entities::NerError> {
        let model = dossier_nlp::entities::train(Path::new(&args[0]), Some(Path::new(&args[1])), epochs)?;
        model.save(Path::new(&args[3]))?;
        let model = dossier_nlp::entities::Model::load(Path::new(&args[3]))?;
        let s = dossier_nlp::entities::evaluate(&model, Path::new(&args[1]))?;
        println!("saved {} ({} features)", args[3], model.features());
        println!("dev: P {:.4} R {:.4} F1 {:.4}, {} tokens, {:.0} tokens/s", s.precision, s.recall, s.f1, s.tokens, s.tokens_per_second);
        for (c, p, r, f) in &s.per_class {
            println!("  {c:5} P {p:.4} R {r:.4} F1 {f:.4}");
        }
        Ok(())
    };
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
