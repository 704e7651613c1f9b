//! `dossier watch`: poll feeds on a schedule and send their new items
//! through the pipeline into the store.
//!
//! Each round polls every feed once (a conditional GET: an unchanged feed
//! costs one request), fetches the pages of items not seen before, extracts
//! and annotates them, stores them, then regroups stories and updates the
//! search index when anything was stored. What was seen, and each feed's
//! ETag and Last-Modified, are kept in a state file saved after every feed,
//! so a restart neither refetches old items nor misses new ones; an item is
//! remembered only once it is in the store, and storing twice stores once,
//! so a crash between the two costs a refetch, never a duplicate. Ctrl-C
//! (or SIGTERM) stops at the next item boundary, with the state saved.

use anyhow::{Context, Result};
use dossier_ingest::fetch::{FetchConfig, Fetcher};
use dossier_ingest::watch::{fetch_item, poll, Poll, WatchState, MAX_ATTEMPTS};
use dossier_ingest::Item;
use dossier_nlp::Pipeline;
use dossier_store::{PutOutcome, Store};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{closing_line, process, regroup, sync_index, Regroup, Tally};

#[derive(clap::Args)]
pub struct Args {
    /// Feed URLs (RSS 0.9x/2.0, RDF, Atom, JSON Feed).
    #[arg(value_name = "FEED")]
    urls: Vec<String>,
    /// A file of feed URLs, one per line; blank lines and lines starting
    /// with `#` are skipped.
    #[arg(long = "feeds", value_name = "FILE")]
    feeds_file: Option<PathBuf>,
    /// Store: a directory (SQLite) or a postgres:// URL.
    #[arg(long, default_value = "dossier-data")]
    store: PathBuf,
    /// Seconds between the starts of two rounds of polls.
    #[arg(long, default_value_t = 900)]
    interval: u64,
    /// Poll every feed once, then stop (for cron and scripts).
    #[arg(long)]
    once: bool,
    /// State file (default: STORE/watch.json; ./dossier-watch.json with a
    /// PostgreSQL store).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Largest page or feed read, in bytes.
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    max_bytes: u64,
    /// Fetch feeds and pages at loopback, private or link-local addresses;
    /// refused by default, redirects included.
    #[arg(long)]
    allow_private_addresses: bool,
}

fn feed_list(args: &Args) -> Result<Vec<String>> {
    let mut feeds = args.urls.clone();
    if let Some(f) = &args.feeds_file {
        let raw = std::fs::read_to_string(f)
            .with_context(|| format!("reading the feed list {}", f.display()))?;
        feeds.extend(
            raw.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    let mut seen = std::collections::HashSet::new();
    feeds.retain(|f| seen.insert(f.clone()));
    for f in &feeds {
        anyhow::ensure!(
            dossier_ingest::fetch::is_url(f),
            "not a feed URL: {f} (give http:// or https:// URLs)"
        );
    }
    anyhow::ensure!(!feeds.is_empty(), "no feeds: give URLs or --feeds FILE");
    Ok(feeds)
}

pub fn run(args: Args) -> Result<i32> {
    let feeds = feed_list(&args)?;
    let spec = args.store.to_string_lossy().into_owned();
    let state_path = args.state.clone().unwrap_or_else(|| {
        dossier_store::embedded_dir(&spec)
            .map(|d| d.join("watch.json"))
            .unwrap_or_else(|| PathBuf::from("dossier-watch.json"))
    });
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                // A second Ctrl-C: the user does not want to wait.
                std::process::exit(130);
            }
            eprintln!("stopping after the current item (Ctrl-C again to quit at once)");
        })
        .context("installing the Ctrl-C handler")?;
    }
    let pipeline = Pipeline::new()
        .map_err(anyhow::Error::msg)
        .context("loading models")?;
    let mut st = dossier_store::open(&spec)
        .with_context(|| format!("opening store {}", dossier_store::describe(&spec)))?;
    let mut state = WatchState::load(&state_path).map_err(anyhow::Error::msg)?;
    let fetcher = Fetcher::new(FetchConfig {
        max_bytes: args.max_bytes,
        allow_private: args.allow_private_addresses,
        ..Default::default()
    })
    .map_err(anyhow::Error::msg)?;
    let when = if args.once {
        "once".to_string()
    } else {
        format!("every {} s", args.interval)
    };
    eprintln!(
        "watching {} feed(s) {when}; state in {}",
        feeds.len(),
        state_path.display()
    );
    if state.regroup_pending {
        // An earlier watch stored documents and stopped before grouping them.
        regroup(&mut *st, Regroup::Extend)?;
        sync_index(&*st, &args.store);
        state.regroup_pending = false;
        state.save(&state_path).map_err(anyhow::Error::msg)?;
    }
    let mut total = Tally::default();
    loop {
        let started = Instant::now();
        let mut round = Tally::default();
        for url in &feeds {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            poll_one(
                url, &fetcher, &pipeline, &mut *st, &mut state, &now, &mut round, &stop,
            )?;
            state
                .save(&state_path)
                .map_err(anyhow::Error::msg)
                .context("saving the watch state")?;
        }
        if state.regroup_pending {
            regroup(&mut *st, Regroup::Extend)?;
            sync_index(&*st, &args.store);
            state.regroup_pending = false;
            state
                .save(&state_path)
                .map_err(anyhow::Error::msg)
                .context("saving the watch state")?;
        }
        total.stored += round.stored;
        total.already += round.already;
        total.failed += round.failed;
        if args.once || stop.load(Ordering::SeqCst) {
            break;
        }
        let next = started + Duration::from_secs(args.interval.max(1));
        while Instant::now() < next && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(200));
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    closing_line(&total);
    Ok(if args.once && total.failed > 0 { 1 } else { 0 })
}

/// One feed: poll it, run its new items through the pipeline, store them,
/// and remember what was stored (or given up).
#[allow(clippy::too_many_arguments)]
fn poll_one(
    url: &str,
    fetcher: &Fetcher,
    pipeline: &Pipeline,
    st: &mut dyn Store,
    state: &mut WatchState,
    now: &str,
    round: &mut Tally,
    stop: &AtomicBool,
) -> Result<()> {
    let (items, total, validators) = match poll(fetcher, url, state, now) {
        Poll::NotModified => {
            eprintln!("{url}: not modified");
            return Ok(());
        }
        Poll::Failed(e) => {
            round.failed += 1;
            eprintln!("failed: {url}: {e}");
            return Ok(());
        }
        Poll::New {
            items,
            total,
            validators,
        } => (items, total, validators),
    };
    let keys: Vec<String> = items.iter().map(|(k, _)| k.clone()).collect();
    let new = keys.len();
    let (mut stored, mut failed, mut pending) = (0, 0, 0);
    let mut at = 0;
    // Pages are fetched one by one as the pipeline asks for inputs; a stop
    // request ends the stream at the next item.
    let inputs = items
        .into_iter()
        .take_while(|_| !stop.load(Ordering::SeqCst))
        .map(|(_, it)| fetch_item(fetcher, url, it));
    process(Box::new(inputs), pipeline, |chunk: Vec<Item>| {
        let mut docs = Vec::new();
        let mut doc_keys = Vec::new();
        for it in chunk {
            let key = &keys[at];
            at += 1;
            match it.result {
                Ok(d) => {
                    docs.push(d);
                    doc_keys.push(key.clone());
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("failed: {}: {e}", it.origin);
                    if state.mark_failed(url, key) {
                        eprintln!("giving up on {key} after {MAX_ATTEMPTS} polls");
                    } else {
                        pending += 1;
                    }
                }
            }
        }
        let outcomes = st.put_documents(&docs).context("writing to the store")?;
        if !docs.is_empty() {
            state.regroup_pending = true;
        }
        for (k, o) in doc_keys.iter().zip(outcomes) {
            match o {
                PutOutcome::Stored => stored += 1,
                PutOutcome::AlreadyStored => round.already += 1,
            }
            state.mark_seen(url, k);
        }
        Ok(())
    })?;
    // The feed's validators are kept only when nothing of this poll is left
    // to do: an item to retry, or one cut off by Ctrl-C, needs the feed read
    // in full next time.
    if pending == 0 && at == new {
        state.set_validators(url, validators);
    }
    round.stored += stored;
    round.failed += failed;
    eprintln!("{url}: {total} items, {new} new: {stored} stored, {failed} failed");
    Ok(())
}
