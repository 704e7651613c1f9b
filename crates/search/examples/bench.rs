//! Indexing rate and query latency of the index, beside SQLite FTS5 on the
//! same documents and queries. Documents are synthesized from the public
//! sets (Timeline17 articles, Multi-News articles) by re-dating and mixing:
//! copy k of an article is moved k weeks later, given another outlet, and
//! its second half is taken from another article.
//!
//! ```text
//! cargo run --release -p dossier-search --example bench -- build  N DIR   # index + FTS5 file in DIR
//! cargo run --release -p dossier-search --example bench -- query  DIR [R] # R rounds of the query set, p50/p99 for both
//! cargo run --release -p dossier-search --example bench -- dump   N FILE  # the same N documents as JSONL records for `dossier ingest`
//! ```
//! Names that look like proper names (capitalized runs) stand in for
//! entities, so entity facets cost what they would with NER.

use dossier_model::{Document, EntityLabel, EntityMention};
use dossier_search::{Index, SearchRequest, Sort};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The queries timed, in both engines' syntax: (tantivy, FTS5).
pub const QUERIES: &[(&str, &str)] = &[
    ("ceasefire", "ceasefire"),
    ("protest police", "protest AND police"),
    ("\"prime minister\"", "\"prime minister\""),
    ("oil OR gas", "oil OR gas"),
    ("election NOT president", "election NOT president"),
    ("mubarak cairo", "mubarak AND cairo"),
    ("title:bank", "title:bank"),
    ("outlet:bbc flu", "outlet:bbc AND flu"),
    (
        "\"health officials\" vaccine",
        "\"health officials\" AND vaccine",
    ),
    ("syria OR libya OR yemen", "syria OR libya OR yemen"),
];

fn base_articles() -> Vec<(String, String, String, String)> {
    let data = std::env::var("DOSSIER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("../shared/data"));
    let mut out = Vec::new();
    let tl = data.join("timelines/timeline17");
    if let Ok(rd) = std::fs::read_dir(&tl) {
        let mut dirs: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for d in dirs {
            let outlet = d
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.rsplit('_').next())
                .unwrap_or("unknown")
                .to_string();
            let Ok(f) = std::fs::File::open(d.join("articles.jsonl")) else {
                continue;
            };
            for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                    continue;
                };
                let text = v["text"]
                    .as_str()
                    .unwrap_or("")
                    .replace(" 's", "'s")
                    .replace(" ,", ",")
                    .replace(" .", ".");
                let date = v["time"].as_str().unwrap_or("2011-01-01").to_string();
                let title = text
                    .split(['.', '\n'])
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(90)
                    .collect::<String>();
                out.push((title, text, outlet.clone(), date));
            }
        }
    }
    if let Ok(f) = std::fs::File::open(data.join("stories/multinews-dev.jsonl")) {
        for (i, line) in std::io::BufReader::new(f)
            .lines()
            .map_while(Result::ok)
            .enumerate()
        {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            for a in v["cleansed_document"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str())
            {
                let title = a
                    .split(['.', '\n'])
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(90)
                    .collect::<String>();
                out.push((
                    title,
                    a.to_string(),
                    ["apnews", "reuters", "guardian", "nytimes", "foxnews"][i % 5].to_string(),
                    format!("2016-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                ));
            }
        }
    }
    out
}

fn pseudo_entities(text: &str) -> Vec<EntityMention> {
    let mut out = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    let mut at = 0;
    for w in text.split_inclusive(' ') {
        let word = w.trim_end();
        let cap = word.chars().next().is_some_and(|c| c.is_uppercase())
            && word.len() > 2
            && word.chars().all(|c| c.is_alphabetic());
        if cap {
            run = Some((run.map(|r| r.0).unwrap_or(at), at + word.len()));
        } else if let Some((s, e)) = run.take() {
            if text[s..e].contains(' ') {
                out.push(EntityMention {
                    start: s,
                    end: e,
                    text: text[s..e].into(),
                    label: EntityLabel::Misc,
                    canonical: text[s..e].into(),
                    role: None,
                });
            }
        }
        at += w.len();
    }
    out
}

fn synthesize(
    base: &[(String, String, String, String)],
    n: usize,
) -> impl Iterator<Item = Document> + '_ {
    let outlets = [
        "cnn",
        "bbc",
        "reuters",
        "guardian",
        "washingtonpost",
        "nytimes",
        "aljazeera",
        "apnews",
        "foxnews",
        "telegraph",
    ];
    (0..n).map(move |i| {
        let m = base.len();
        let (title, text, outlet, date) = &base[i % m];
        let copy = i / m;
        // the second half comes from another article, a different one for
        // each copy, so that no two copies share their whole text
        let (_, other, _, _) = &base[(i * 7919 + 13 + copy * 104_729) % m];
        let half = |s: &str, first: bool| {
            let mut k = s.len() / 2;
            while !s.is_char_boundary(k) {
                k -= 1;
            }
            if first {
                s[..k].to_string()
            } else {
                s[k..].to_string()
            }
        };
        let text = if copy == 0 {
            text.clone()
        } else {
            format!("{}{}", half(text, true), half(other, false))
        };
        let day = dossier_search::query::published_day(date).unwrap_or(15000) + 7 * copy as i64;
        let outlet = if copy == 0 {
            outlet.clone()
        } else {
            outlets[(i + copy) % outlets.len()].to_string()
        };
        Document {
            id: format!("syn{i:08}"),
            title: Some(title.clone()),
            publisher: Some(outlet),
            published: Some(dossier_search::query::day_label(day)),
            entities: pseudo_entities(&text),
            text,
            ..Default::default()
        }
    })
}

fn build(n: usize, dir: &Path) -> anyhow::Result<()> {
    let base = base_articles();
    anyhow::ensure!(!base.is_empty(), "no public data found (set DOSSIER_DATA)");
    std::fs::create_dir_all(dir)?;
    let index = Index::open(&dir.join("index"))?;
    let t = Instant::now();
    let mut batch = Vec::with_capacity(20_000);
    let mut bytes = 0usize;
    for d in synthesize(&base, n) {
        bytes += d.text.len();
        batch.push(d);
        if batch.len() == 20_000 {
            index.add(&batch)?;
            batch.clear();
        }
    }
    index.add(&batch)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "tantivy: {n} documents ({:.0} MB of text) indexed in {secs:.1} s: {:.0} docs/s",
        bytes as f64 / 1e6,
        n as f64 / secs
    );

    let path = dir.join("fts5.sqlite");
    let _ = std::fs::remove_file(&path);
    let conn = rusqlite::Connection::open(&path)?;
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, outlet, day UNINDEXED);")?;
    let t = Instant::now();
    // Transactions of 50,000 rows: one transaction for 1 M rows kept the
    // whole text in the write-ahead log before copying it into the
    // database, twice the space.
    let mut ins = conn
        .prepare("INSERT INTO docs (id, title, text, outlet, day) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    conn.execute_batch("BEGIN")?;
    for (i, d) in synthesize(&base, n).enumerate() {
        if i > 0 && i % 50_000 == 0 {
            conn.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE); BEGIN")?;
        }
        ins.execute(rusqlite::params![
            d.id,
            d.title,
            d.text,
            d.publisher,
            d.published
        ])?;
    }
    drop(ins);
    conn.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "fts5:    {n} documents indexed in {secs:.1} s: {:.0} docs/s",
        n as f64 / secs
    );
    Ok(())
}

/// The synthesized documents as the JSONL records `dossier ingest` reads
/// (title, text, outlet, date), to build a store through the whole
/// pipeline: extraction, annotation, grouping, indexing.
fn dump(n: usize, path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let base = base_articles();
    anyhow::ensure!(!base.is_empty(), "no public data found (set DOSSIER_DATA)");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for d in synthesize(&base, n) {
        let rec = serde_json::json!({
            "url": format!("https://bench.invalid/{}", d.id),
            "title": d.title,
            "text": d.text,
            "source": d.publisher,
            "published": d.published,
        });
        writeln!(out, "{rec}")?;
    }
    out.flush()?;
    Ok(())
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn query(dir: &Path, rounds: usize) -> anyhow::Result<()> {
    let index = Index::open(&dir.join("index"))?;
    let conn = rusqlite::Connection::open(dir.join("fts5.sqlite"))?;
    println!("{} documents", index.num_docs());
    let (mut tv, mut tvf, mut fts) = (vec![], vec![], vec![]);
    let mut per_query = vec![Vec::new(); QUERIES.len()];
    for _ in 0..rounds {
        for (qi, (tq, fq)) in QUERIES.iter().enumerate() {
            let t = Instant::now();
            let r = index.search(&SearchRequest {
                q: tq.to_string(),
                limit: 20,
                ..Default::default()
            })?;
            tv.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let _ = index.search(&SearchRequest {
                q: tq.to_string(),
                limit: 20,
                facets: true,
                attention: true,
                ..Default::default()
            })?;
            tvf.push(t.elapsed().as_secs_f64() * 1e3);
            per_query[qi].push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            // Same work as the index: top 20 by relevance, with snippets and the total count.
            let mut st = conn.prepare_cached("SELECT id, title, outlet, day, snippet(docs, 2, '<mark>', '</mark>', '…', 30) FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT 20")?;
            let rows: Vec<String> = st
                .query_map([fq], |r| r.get::<_, String>(0))?
                .collect::<Result<_, _>>()?;
            let total: i64 =
                conn.query_row("SELECT count(*) FROM docs WHERE docs MATCH ?1", [fq], |r| {
                    r.get(0)
                })?;
            fts.push(t.elapsed().as_secs_f64() * 1e3);
            if rounds == 1 {
                println!(
                    "{tq:40} tantivy {:>7} hits | fts5 {total:>7} hits ({} shown)",
                    r.total,
                    rows.len()
                );
            }
        }
    }
    println!("tantivy + facets + attention, per query (median):");
    for ((tq, _), v) in QUERIES.iter().zip(per_query.iter_mut()) {
        println!("  {tq:40} {:6.2} ms", pct(v, 0.5));
    }
    for (name, v) in [
        ("tantivy (top 20 + snippets + count)", &mut tv),
        ("tantivy + facets + attention", &mut tvf),
        ("sqlite fts5 (top 20 + snippets + count)", &mut fts),
    ] {
        println!(
            "{name:42} p50 {:6.2} ms  p99 {:6.2} ms  ({} queries)",
            pct(v, 0.5),
            pct(v, 0.99),
            v.len()
        );
    }
    let _ = Sort::Date;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("build") => build(
            args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000),
            Path::new(args.get(2).map(String::as_str).unwrap_or("bench-data")),
        ),
        Some("query") => query(
            Path::new(args.get(1).map(String::as_str).unwrap_or("bench-data")),
            args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20),
        ),
        Some("dump") => dump(
            args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000),
            Path::new(args.get(2).map(String::as_str).unwrap_or("bench.jsonl")),
        ),
        _ => {
            anyhow::bail!("usage: bench build N DIR | bench query DIR [ROUNDS] | bench dump N FILE")
        }
    }
}
