//! `dossier watch` end to end, against a feed served on 127.0.0.1 by the
//! test: new items are stored once, an unchanged feed is a 304, items added
//! later are picked up after a restart, and Ctrl-C stops a running watch
//! cleanly with its state saved.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
}

const TOPICS: [&str; 4] = [
    "The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the harbour authority said. Ships had queued outside the harbour for days.",
    "Flooding closed the main rail line north of the city on Tuesday, and the operator said repairs would take at least a week. Buses replaced trains on the route.",
    "The central bank held its key interest rate at 4.5 percent on Wednesday, saying inflation had eased but remained above its target of 2 percent.",
    "A wildfire forced the evacuation of about 3,000 residents from hillside villages on Thursday, the regional fire service said, as crews fought the blaze from the air.",
];

/// Serves `/feed.xml` (RSS with the first `n` items, ETag `"n"`, 304 when
/// the client already has it) and `/item/K` pages. Returns the base URL,
/// the item count to change, and the number of 304 answers given.
fn serve() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let n = Arc::new(AtomicUsize::new(2));
    let not_modified = Arc::new(AtomicUsize::new(0));
    let (n2, nm2) = (n.clone(), not_modified.clone());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let (n, nm) = (n2.clone(), nm2.clone());
            std::thread::spawn(move || {
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut line = String::new();
                if r.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut inm = None;
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.trim().eq_ignore_ascii_case("if-none-match") {
                            inm = Some(v.trim().to_string());
                        }
                    }
                }
                let count = n.load(Ordering::SeqCst);
                let etag = format!("\"{count}\"");
                let (status, ctype, body) = if path == "/feed.xml" {
                    if inm.as_deref() == Some(etag.as_str()) {
                        nm.fetch_add(1, Ordering::SeqCst);
                        (304, "application/rss+xml", String::new())
                    } else {
                        let items: String = (1..=count)
                            .map(|k| format!("<item><title>Report {k}</title><link>/item/{k}</link><pubDate>Tue, 08 Jul 2025 1{k}:00:00 GMT</pubDate></item>"))
                            .collect();
                        (200, "application/rss+xml", format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test wire</title>{items}</channel></rss>"))
                    }
                } else if let Some(k) = path
                    .strip_prefix("/item/")
                    .and_then(|k| k.parse::<usize>().ok())
                {
                    let text = TOPICS[(k - 1) % TOPICS.len()];
                    (200, "text/html; charset=utf-8", format!("<html><head><title>Report {k}</title></head><body><article><h1>Report {k}</h1><p>{text}</p><p>Officials said more details would follow later in the week.</p></article></body></html>"))
                } else {
                    (404, "text/plain", "not found".to_string())
                };
                let _ = write!(
                    s,
                    "HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Type: {ctype}\r\nETag: {etag}\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (base, n, not_modified)
}

/// The whole store as `dossier report --all --json` prints it (over an
/// empty folder in `tmp`), and what the command wrote to stderr.
fn stored(store: &std::path::Path, tmp: &std::path::Path) -> (serde_json::Value, String) {
    let empty = tmp.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = bin()
        .args(["report", "--all", "--json", "--store"])
        .arg(store)
        .arg(&empty)
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn watch_once(feed: &str, store: &std::path::Path) -> (bool, String) {
    let out = bin()
        .args([
            "watch",
            feed,
            "--once",
            "--allow-private-addresses",
            "--store",
        ])
        .arg(store)
        .output()
        .expect("dossier runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    eprintln!("{err}");
    (out.status.success(), err)
}

#[test]
fn new_items_once_unchanged_feed_is_a_304_and_restarts_resume() {
    let (base, n, not_modified) = serve();
    let feed = format!("{base}/feed.xml");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");

    let (ok, err) = watch_once(&feed, &store);
    assert!(ok, "{err}");
    assert!(err.contains("2 items, 2 new: 2 stored, 0 failed"), "{err}");
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(store.join("watch.json")).unwrap()).unwrap();
    assert_eq!(state["feeds"][&feed]["etag"], "\"2\"");
    assert_eq!(state["feeds"][&feed]["seen"].as_array().unwrap().len(), 2);

    // Unchanged: one conditional request, nothing fetched or stored.
    let (ok, err) = watch_once(&feed, &store);
    assert!(ok, "{err}");
    assert!(err.contains("not modified"), "{err}");
    assert_eq!(not_modified.load(Ordering::SeqCst), 1);

    // Two more items: only they are fetched and stored.
    n.store(4, Ordering::SeqCst);
    let (ok, err) = watch_once(&feed, &store);
    assert!(ok, "{err}");
    assert!(err.contains("4 items, 2 new: 2 stored, 0 failed"), "{err}");

    // The store holds each report once, with the feed's metadata.
    let (v, err) = stored(&store, dir.path());
    let docs = v["documents"].as_array().cloned().unwrap_or_default();
    let mut urls: Vec<String> = docs
        .iter()
        .filter_map(|d| d["url"].as_str().map(str::to_string))
        .collect();
    urls.sort();
    assert_eq!(
        urls,
        (1..=4)
            .map(|k| format!("{base}/item/{k}"))
            .collect::<Vec<_>>(),
        "{err}"
    );
}

#[test]
fn ctrl_c_stops_a_running_watch_with_its_state_saved() {
    let (base, _n, _) = serve();
    let feed = format!("{base}/feed.xml");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut child = bin()
        .args([
            "watch",
            &feed,
            "--interval",
            "3600",
            "--allow-private-addresses",
            "--store",
        ])
        .arg(&store)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first round to be saved, then interrupt the wait.
    let state = store.join("watch.json");
    let t = Instant::now();
    while !state.exists() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(state.exists(), "no state file after the first round");
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "watch did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    eprintln!("{err}");
    assert!(status.success(), "exit {status:?}: {err}");
    assert!(err.contains("2 stored, 0 already stored"), "{err}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(saved["feeds"][&feed]["seen"].as_array().unwrap().len(), 2);
}

#[test]
fn a_watch_and_two_ingests_writing_at_once_store_each_report_once() {
    let (base, n, _) = serve();
    n.store(4, Ordering::SeqCst);
    let feed = format!("{base}/feed.xml");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // 24 distinct reports on disk; the two ingests take overlapping halves.
    let files: Vec<std::path::PathBuf> = (0..24)
        .map(|i| {
            let p = dir.path().join(format!("r{i:02}.txt"));
            let body = format!(
                "Local report {i}\n\n{} The district {i} council met on Friday to discuss it.",
                TOPICS[i % TOPICS.len()]
            );
            std::fs::write(&p, body).unwrap();
            p
        })
        .collect();
    let out = bin().arg("analyze").args(&files).output().unwrap();
    assert!(out.status.success());
    let mut want: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let spawn_ingest = |part: &[std::path::PathBuf]| {
        bin()
            .arg("ingest")
            .args(part)
            .arg("--store")
            .arg(&store)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn_ingest(&files[..16]);
    let w = bin()
        .args([
            "watch",
            &feed,
            "--once",
            "--allow-private-addresses",
            "--store",
        ])
        .arg(&store)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let b = spawn_ingest(&files[8..]);
    for (name, c) in [("ingest a", a), ("watch", w), ("ingest b", b)] {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let (v, err) = stored(&store, dir.path());
    let docs = v["documents"].as_array().expect(&err);
    let mut ids: Vec<String> = docs
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    let stored = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), stored, "a report is stored twice");
    // every file once, and the watch's four items
    let from_feed: Vec<&serde_json::Value> = docs
        .iter()
        .filter(|d| d["url"].as_str().is_some_and(|u| u.starts_with(&base)))
        .collect();
    assert_eq!(from_feed.len(), 4);
    want.extend(
        from_feed
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string()),
    );
    want.sort();
    assert_eq!(ids, want, "lost or unexpected reports");
    // the stored grouping covers every report
    let mut grouped: Vec<String> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            let d = s["documents"].as_array().unwrap().iter();
            let c = s["duplicates"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|g| g.as_array().unwrap().iter());
            d.chain(c)
                .map(|x| x.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    grouped.sort();
    grouped.dedup();
    assert_eq!(grouped, want, "the grouping misses or invents reports");
}
