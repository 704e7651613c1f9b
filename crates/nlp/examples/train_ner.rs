//! Train the entity tagger and score it.
//!
//! `cargo run --release -p dossier-nlp --example train_ner -- TRAIN DEV EPOCHS OUT [CLUSTERS]`
//! trains on TRAIN (CoNLL layout), keeps the pass that scores best on DEV,
//! writes the model to OUT and prints the dev scores and tagging speed.
//! CLUSTERS is a word cluster file (`models/ner/clusters.tsv`). The same
//! is available as `dossier train ner`.
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `train_ner eval MODEL FILE [worldwide]`: score a model file.
    if args.first().map(String::as_str) == Some("eval") && args.len() >= 3 {
        use dossier_nlp::entities as e;
        let map = if args.get(3).map(String::as_str) == Some("worldwide") {
            e::LabelMap::Worldwide
        } else {
            e::LabelMap::Conll
        };
        let run = || -> Result<(), e::NerError> {
            let m = e::Model::load(Path::new(&args[1]))?;
            let s = e::score(&m, &e::read_conll_with(Path::new(&args[2]), map)?, None);
            println!(
                "P {:.4} R {:.4} F1 {:.4}, {} tokens, {:.0} tokens/s",
                s.precision, s.recall, s.f1, s.tokens, s.tokens_per_second
            );
            for (c, p, r, f) in &s.per_class {
                println!("  {c:5} P {p:.4} R {r:.4} F1 {f:.4}");
            }
            Ok(())
        };
        if let Err(err) = run() {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
        return;
    }
    // `train_ner clusters OUT.tsv PATH...`: word clusters from unlabeled text.
    if args.first().map(String::as_str) == Some("clusters") && args.len() >= 3 {
        let paths: Vec<std::path::PathBuf> = args[2..].iter().map(Into::into).collect();
        let run = || -> Result<(), dossier_nlp::entities::NerError> {
            let texts = dossier_nlp::entities::clusters::corpus_texts(&paths)?;
            let t0 = std::time::Instant::now();
            let (cl, counts) = dossier_nlp::entities::clusters::build(&texts, &Default::default());
            cl.save_tsv(Path::new(&args[1]), &counts)?;
            println!(
                "{} texts, {} words clustered in {:.1} s -> {}",
                texts.len(),
                cl.len(),
                t0.elapsed().as_secs_f64(),
                args[1]
            );
            Ok(())
        };
        if let Err(e) = run() {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    if args.len() != 4 && args.len() != 5 {
        eprintln!("usage: train_ner TRAIN DEV EPOCHS OUT [CLUSTERS]");
        std::process::exit(2);
    }
    let epochs: usize = args[2].parse().unwrap_or_else(|_| {
        eprintln!("EPOCHS must be a number, got {:?}", args[2]);
        std::process::exit(2)
    });
    let run = || -> Result<(), dossier_nlp::entities::NerError> {
        let clusters = match args.get(4) {
            Some(p) => dossier_nlp::entities::Clusters::load_tsv(Path::new(p))?,
            None => Default::default(),
        };
        let opt = dossier_nlp::entities::TrainOptions {
            epochs,
            clusters,
            max_sentences: None,
            doc_context: false,
        };
        let model =
            dossier_nlp::entities::train(Path::new(&args[0]), Some(Path::new(&args[1])), &opt)?;
        model.save(Path::new(&args[3]))?;
        let model = dossier_nlp::entities::Model::load(Path::new(&args[3]))?;
        let s = dossier_nlp::entities::evaluate(&model, Path::new(&args[1]))?;
        println!("saved {} ({} features)", args[3], model.features());
        println!(
            "dev: P {:.4} R {:.4} F1 {:.4}, {} tokens, {:.0} tokens/s",
            s.precision, s.recall, s.f1, s.tokens, s.tokens_per_second
        );
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
