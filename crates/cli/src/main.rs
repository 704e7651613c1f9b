//! The `dossier` command: arguments and wiring only. Each subcommand runs
//! the pipeline stages from the library crates: sources (`dossier-ingest`),
//! extraction (`dossier-extract`), annotation (`dossier-nlp`), grouping
//! (`dossier-stories`), the store (`dossier-store`) and presentation
//! (`dossier-report`).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use dossier_ingest::{Item, Limits, Pending};
use dossier_model::Document;
use dossier_nlp::Pipeline;
use dossier_store::{PutOutcome, Store};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// mimalloc instead of the system allocator: the annotators make many small,
/// short-lived allocations (tokens, normalized words, feature vectors), and
/// with glibc's malloc those took about 18% of `analyze`'s time (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod attribution;
mod eval;
mod ner;
mod serve;
mod watch;
mod web;

#[derive(Parser)]
#[command(
    name = "dossier",
    version,
    about = "Read news reports from many outlets and turn them into an account a reader can check"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads for extraction and annotation (default: all cores).
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(clap::Args, Clone)]
struct InputArgs {
    /// Files or folders (plain text, HTML, JSON/JSONL records, WARC, feeds,
    /// sitemaps) or URLs of pages, feeds and sitemaps.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Largest file or JSON record read, in bytes.
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    max_bytes: u64,
    /// Fetch URLs that are (or resolve to) loopback, private or link-local
    /// addresses; refused by default, redirects included.
    #[arg(long)]
    allow_private_addresses: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Text,
    Md,
    Html,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest reports into the store and print a dossier per story.
    Report {
        #[command(flatten)]
        input: InputArgs,
        /// Store: a directory (SQLite) or a postgres:// URL.
        #[arg(long, default_value = "dossier-data")]
        store: PathBuf,
        /// Print the report as JSON (same as --format json).
        #[arg(long)]
        json: bool,
        /// Output format: text on stdout, json on stdout, md or html written to a file.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Where to write md/html output (default: dossier-report.md / .html).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Report every story in the store, not only those holding the given reports.
        #[arg(long)]
        all: bool,
        /// Cluster every stored report again, instead of keeping the stored
        /// stories and placing only the new reports.
        #[arg(long)]
        regroup: bool,
    },
    /// Ingest reports into the store without reporting.
    Ingest {
        #[command(flatten)]
        input: InputArgs,
        /// Store: a directory (SQLite) or a postgres:// URL.
        #[arg(long, default_value = "dossier-data")]
        store: PathBuf,
        /// Cluster every stored report again, instead of keeping the stored
        /// stories and placing only the new reports.
        #[arg(long)]
        regroup: bool,
    },
    /// Poll feeds on a schedule and store their new items (Ctrl-C stops).
    Watch(watch::Args),
    /// Serve the HTTP API and web UI (127.0.0.1:8080 by default).
    Serve(serve::Args),
    /// Score a stage on a public benchmark: extraction, ner, timex, attribution, clustering.
    Eval(eval::EvalArgs),
    /// Train a model (`train ner`, `train clusters`, `train attribution`).
    Train(ner::TrainArgs),
    /// List canonical entities: stable id, aliases, roles, mentions per outlet.
    Entities(ner::EntitiesArgs),
    /// Annotate reports statelessly: one JSON document per line on stdout.
    /// `-` reads JSONL records from standard input.
    Analyze {
        #[command(flatten)]
        input: InputArgs,
    },
}

/// Counts for the closing line of a batch.
#[derive(Default)]
struct Tally {
    stored: usize,
    already: usize,
    failed: usize,
}

fn main() {
    let cli = Cli::parse();
    if let Some(n) = cli.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    match run(cli.command) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}

fn pending_inputs(input: &InputArgs) -> Box<dyn Iterator<Item = Pending>> {
    let limits = Limits {
        max_bytes: input.max_bytes,
    };
    let (stdin, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
        input.paths.iter().partition(|p| p.as_os_str() == "-");
    // URLs (pages, feeds, sitemaps) are fetched; everything else is a path.
    let args: Vec<String> = paths
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let files = dossier_ingest::fetch::inputs(&args, limits, input.allow_private_addresses);
    if stdin.is_empty() {
        Box::new(files)
    } else {
        let reader = std::io::BufReader::new(std::io::stdin());
        Box::new(dossier_ingest::records::Jsonl::new(reader, "-", Some("-"), limits).chain(files))
    }
}

/// Run extraction and annotation over a stream of inputs in chunks, in
/// parallel within a chunk, handing results to `sink` in input order.
/// Memory stays bounded by the chunk size, whatever the number of inputs.
fn process(
    inputs: impl Iterator<Item = Pending>,
    pipeline: &Pipeline,
    mut sink: impl FnMut(Vec<Item>) -> Result<()>,
) -> Result<()> {
    const CHUNK: usize = 256;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} reports ({per_sec}) {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let mut inputs = inputs.peekable();
    while inputs.peek().is_some() {
        let chunk: Vec<Pending> = inputs.by_ref().take(CHUNK).collect();
        let n = chunk.len() as u64;
        let items: Vec<Item> = chunk
            .into_par_iter()
            .map(|p| {
                let origin = p.origin.clone();
                // A panic in extraction or an annotator is a bug, but it must
                // cost only this input, never the batch.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut item = dossier_ingest::extract(p);
                    if let Ok(doc) = item.result.as_mut() {
                        pipeline.annotate(doc);
                    }
                    item
                }))
                .unwrap_or_else(|e| {
                    let msg = e
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| e.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    Item {
                        origin,
                        result: Err(dossier_ingest::IngestError::Internal(msg)),
                    }
                })
            })
            .collect();
        sink(items)?;
        bar.inc(n);
    }
    bar.finish_and_clear();
    Ok(())
}

/// Bring the search index of an embedded store (`STORE/index`) in step with
/// the store, so `dossier serve` and its search see what was just stored.
/// The store stays the source of truth: a failure here is a warning, and
/// `serve` syncs again on start. A PostgreSQL store's index lives wherever
/// `serve --index` says, so it is left to `serve`.
fn sync_index(store: &dyn Store, spec: &std::path::Path) {
    let spec = spec.to_string_lossy();
    let Some(dir) = dossier_store::embedded_dir(&spec) else {
        return;
    };
    let result = dossier_search::Index::open_for_store(dir).and_then(|ix| ix.sync_with(store));
    match result {
        Ok(r) if r.added > 0 || r.removed > 0 => eprintln!(
            "search index: {} added, {} removed",
            r.added, r.removed
        ),
        Ok(_) => {}
        Err(e) => eprintln!(
            "warning: the search index in {} was not updated ({e:#}); `dossier serve` will update it",
            dir.join("index").display()
        ),
    }
}

fn report_failures(items: &[Item], tally: &mut Tally) {
    for it in items {
        if let Err(e) = &it.result {
            tally.failed += 1;
            eprintln!("failed: {}: {e}", it.origin);
        }
    }
}

/// Ingest into the store; returns the ids of the documents read (stored now or before).
fn ingest_into(
    store: &mut dyn Store,
    input: &InputArgs,
    pipeline: &Pipeline,
    tally: &mut Tally,
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    process(pending_inputs(input), pipeline, |items| {
        report_failures(&items, tally);
        let docs: Vec<Document> = items.into_iter().filter_map(|i| i.result.ok()).collect();
        let outcomes = store.put_documents(&docs).context("writing to the store")?;
        for (d, o) in docs.iter().zip(outcomes) {
            match o {
                PutOutcome::Stored => tally.stored += 1,
                PutOutcome::AlreadyStored => tally.already += 1,
            }
            ids.push(d.id.clone());
        }
        Ok(())
    })?;
    Ok(ids)
}

pub(crate) use dossier_server::Regroup;

/// Group the stored documents and store the grouping
/// ([`dossier_server::regroup`]); returns the stored documents.
fn regroup(store: &mut dyn Store, how: Regroup) -> Result<Vec<Document>> {
    Ok(dossier_server::regroup(store, how)
        .context("grouping the stored documents (reading them, or writing their stories)")?
        .documents)
}

fn closing_line(t: &Tally) {
    eprintln!(
        "{} stored, {} already stored (duplicates), {} failed",
        t.stored, t.already, t.failed
    );
}

fn run(cmd: Command) -> Result<i32> {
    match cmd {
        Command::Serve(args) => serve::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Train(args) => ner::run_train(args),
        Command::Entities(args) => ner::run_entities(args),
        Command::Analyze { input } => {
            let pipeline = Pipeline::new()
                .map_err(anyhow::Error::msg)
                .context("loading models")?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let mut tally = Tally::default();
            process(pending_inputs(&input), &pipeline, |items| {
                report_failures(&items, &mut tally);
                for it in items {
                    if let Ok(d) = it.result {
                        serde_json::to_writer(&mut out, &d)?;
                        out.write_all(b"\n")?;
                        tally.stored += 1;
                    }
                }
                Ok(())
            })?;
            out.flush()?;
            eprintln!("{} analyzed, {} failed", tally.stored, tally.failed);
            Ok(if tally.failed > 0 { 1 } else { 0 })
        }
        Command::Ingest {
            input,
            store,
            regroup: full,
        } => {
            let pipeline = Pipeline::new()
                .map_err(anyhow::Error::msg)
                .context("loading models")?;
            let mut st = dossier_store::open(&store.to_string_lossy()).with_context(|| {
                format!(
                    "opening store {}",
                    dossier_store::describe(&store.to_string_lossy())
                )
            })?;
            let mut tally = Tally::default();
            ingest_into(&mut *st, &input, &pipeline, &mut tally)?;
            // Also regroup when an earlier run stored documents but was
            // stopped before its grouping was written.
            if full || tally.stored > 0 || st.grouping_documents()? != Some(st.count_documents()?) {
                regroup(&mut *st, if full { Regroup::Full } else { Regroup::Extend })?;
            }
            sync_index(&*st, &store);
            closing_line(&tally);
            Ok(if tally.failed > 0 { 1 } else { 0 })
        }
        Command::Report {
            input,
            store,
            json,
            format,
            out,
            all,
            regroup: full,
        } => {
            let pipeline = Pipeline::new()
                .map_err(anyhow::Error::msg)
                .context("loading models")?;
            let mut st = dossier_store::open(&store.to_string_lossy()).with_context(|| {
                format!(
                    "opening store {}",
                    dossier_store::describe(&store.to_string_lossy())
                )
            })?;
            let mut tally = Tally::default();
            let ids = ingest_into(&mut *st, &input, &pipeline, &mut tally)?;
            let docs = regroup(&mut *st, if full { Regroup::Full } else { Regroup::Extend })?;
            sync_index(&*st, &store);
            let stories = st.stories()?;
            let lines = st.storylines()?;
            let wanted = if all { None } else { Some(ids.as_slice()) };
            let report = dossier_report::Report::select(&docs, &stories, &lines, wanted);
            let format = if json { Format::Json } else { format };
            match format {
                Format::Text => print!("{}", dossier_report::render_text(&report)),
                Format::Json => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    serde_json::to_writer_pretty(&mut w, &report)?;
                    w.write_all(b"\n")?;
                }
                Format::Md | Format::Html => {
                    let (body, default) = if format == Format::Md {
                        (
                            dossier_report::render_markdown(&report),
                            "dossier-report.md",
                        )
                    } else {
                        (dossier_report::render_html(&report), "dossier-report.html")
                    };
                    let path = out.unwrap_or_else(|| PathBuf::from(default));
                    std::fs::write(&path, body)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("report written to {}", path.display());
                }
            }
            closing_line(&tally);
            Ok(if tally.failed > 0 { 1 } else { 0 })
        }
    }
}
