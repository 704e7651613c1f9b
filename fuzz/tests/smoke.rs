//! The fuzz checks as randomized smoke tests on the stable toolchain: each
//! target runs on random bytes and on mutated realistic inputs (the seed
//! reports in ../shared/seeds when present, built-in snippets otherwise)
//! for `DOSSIER_SMOKE_SECS` seconds (default 3) or `DOSSIER_SMOKE_ITERS`
//! inputs (default 400), whichever ends first. `DOSSIER_SMOKE_SEED` replays
//! a run.

use std::time::{Duration, Instant};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&str] = &[
    "<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1><p>“We will not back down,” said Zoë Ångström, 41, on Monday.</p><p>The toll rose to 1,200 from 950 a week earlier.</p></article></body></html>",
    "Talks resume in Gdańsk\n\nBy Maria Lopez\n\nGDAŃSK, March 3 (Reuters) — The union said on Tuesday that 3,000 workers would strike.\n\n“It is not over,” Lopez said.\n\nShare this article",
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title><item><title>Port reopens</title><link>https://example.org/a</link><description>The port reopened on Friday.</description><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item></channel></rss>",
    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><title>E</title><link href=\"https://example.org/e\"/><updated>2024-03-05T10:00:00Z</updated><content type=\"html\">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>",
    "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/a\r\nWARC-Date: 2024-03-05T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 95\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>The minister said on Monday.</p></body></html>\r\n\r\n",
    "{\"title\":\"Port reopens\",\"text\":\"The port reopened on Friday, officials said.\",\"url\":\"https://example.org/p\",\"published\":\"2024-03-05\"}\n{\"text\":\"“No,” he said.\"}",
];

const INSERTS: &[&str] = &[
    "“",
    "”",
    "\u{a0}",
    "\u{2011}",
    "é",
    "—",
    "\0",
    "\r\n",
    "<p>",
    "</",
    "&amp;",
    "said",
    " 1,200 ",
    "\u{1F600}",
    "\u{200B}",
    "\n\n",
];

fn corpus() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = SNIPPETS.iter().map(|s| s.as_bytes().to_vec()).collect();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds");
    if let Ok(rd) = std::fs::read_dir(seeds) {
        for e in rd.flatten() {
            if let Ok(b) = std::fs::read(e.path()) {
                out.push(b);
            }
        }
    }
    out
}

fn mutate(r: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + r.below(8) {
        match r.below(6) {
            0 if !v.is_empty() => {
                let i = r.below(v.len());
                v[i] ^= 1 << r.below(8);
            }
            1 => {
                let i = r.below(v.len() + 1);
                let s = INSERTS[r.below(INSERTS.len())].as_bytes();
                v.splice(i..i, s.iter().copied());
            }
            2 if !v.is_empty() => {
                let i = r.below(v.len());
                v.truncate(i);
            }
            3 if v.len() > 2 => {
                let a = r.below(v.len());
                let b = (a + r.below(64)).min(v.len());
                let chunk = v[a..b].to_vec();
                let at = r.below(v.len() + 1);
                v.splice(at..at, chunk);
            }
            4 if v.len() > 2 => {
                let a = r.below(v.len());
                let b = (a + r.below(32)).min(v.len());
                v.drain(a..b);
            }
            _ => v.push(r.next() as u8),
        }
    }
    v
}

fn random_bytes(r: &mut Rng) -> Vec<u8> {
    let n = r.below(512);
    (0..n).map(|_| r.next() as u8).collect()
}

fn run(name: &str, target: fn(&[u8])) {
    let secs: u64 = std::env::var("DOSSIER_SMOKE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let iters: usize = std::env::var("DOSSIER_SMOKE_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed: u64 = std::env::var("DOSSIER_SMOKE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let mut r = Rng(seed);
    let corpus = corpus();
    let start = Instant::now();
    let mut n = 0;
    // The unmutated inputs first.
    for c in &corpus {
        target(c);
        n += 1;
    }
    while n < iters && start.elapsed() < Duration::from_secs(secs) {
        let input = if r.below(4) == 0 {
            random_bytes(&mut r)
        } else {
            let i = r.below(corpus.len());
            mutate(&mut r, &corpus[i])
        };
        let res = std::panic::catch_unwind(|| target(&input));
        if res.is_err() {
            let path = std::env::temp_dir().join(format!("dossier-smoke-{name}-{seed}.bin"));
            let _ = std::fs::write(&path, &input);
            panic!(
                "{name}: failing input saved to {} (DOSSIER_SMOKE_SEED={seed})",
                path.display()
            );
        }
        n += 1;
    }
    eprintln!(
        "{name}: {n} inputs in {:.1}s, seed {seed}",
        start.elapsed().as_secs_f64()
    );
}

#[test]
fn html_extract() {
    run("html_extract", dossier_fuzz::html_extract);
}
#[test]
fn text_clean() {
    run("text_clean", dossier_fuzz::text_clean);
}
#[test]
fn decode_extract() {
    run("decode_extract", dossier_fuzz::decode_extract);
}
#[test]
fn annotate() {
    run("annotate", dossier_fuzz::annotate);
}
#[test]
fn feed_parse() {
    run("feed_parse", dossier_fuzz::feed_parse);
}
#[test]
fn warc_read() {
    run("warc_read", dossier_fuzz::warc_read);
}
#[test]
fn json_records() {
    run("json_records", dossier_fuzz::json_records);
}
