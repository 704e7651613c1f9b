//! `dossier serve`: the HTTP API and web UI over a store and its index.

use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Store: a directory (SQLite) or a postgres:// URL.
    #[arg(long, default_value = "dossier-data")]
    store: String,
    /// Full-text index directory (default: STORE/index; required with PostgreSQL).
    #[arg(long)]
    index: Option<PathBuf>,
    /// Address to listen on (loopback by default: nothing is exposed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Bearer token that allows ingest over the API (POST /api/documents);
    /// also read from DOSSIER_TOKEN. Without one, ingest over the API is refused.
    #[arg(long)]
    token: Option<String>,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_body: usize,
    /// Longest time one request may take, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Serve the index as it is, without bringing it in step with the store
    /// first (for benchmarks on an index built apart).
    #[arg(long)]
    no_sync: bool,
}

pub fn run(args: Args) -> Result<i32> {
    let store = dossier_store::open(&args.store)
        .with_context(|| format!("opening store {}", args.store))?;
    let index_dir = match (args.index, dossier_store::embedded_dir(&args.store)) {
        (Some(d), _) => d,
        (None, Some(dir)) => dir.join("index"),
        (None, None) => {
            anyhow::bail!("with a PostgreSQL store, give the index directory with --index")
        }
    };
    let index = dossier_search::Index::open(&index_dir)
        .with_context(|| format!("opening index {}", index_dir.display()))?;
    if args.no_sync {
        eprintln!(
            "index: {} documents (not synced with the store)",
            index.num_docs()
        );
    } else {
        let sync = index
            .sync_with(&*store)
            .context("bringing the index in step with the store")?;
        eprintln!(
            "index: {} documents ({} added, {} removed)",
            index.num_docs(),
            sync.added,
            sync.removed
        );
    }
    index
        .warm()
        .context("counting the index's outlets and entities")?;
    let token = args.token.or_else(|| std::env::var("DOSSIER_TOKEN").ok());
    let limits = dossier_server::Limits {
        max_body: args.max_body,
        timeout: Duration::from_secs(args.timeout.max(1)),
        ..Default::default()
    };
    let app = dossier_server::App::new(store, index, token, limits)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(dossier_server::serve(app, args.addr, |a| {
        eprintln!("listening on http://{a}/ (Ctrl-C stops)")
    }))?;
    Ok(0)
}
