//! `compare-crates DIR [NAME...]`: F1 and pages/s of each extractor on the
//! trafilatura set, single-threaded. Every extractor gets the same decoded
//! string (Dossier's decoder), except rs-trafilatura which decodes itself.
use dossier_extract::eval;
use std::time::Instant;

fn decode(b: &[u8]) -> Option<String> {
    dossier_extract::decode::decode(b, None).ok().map(|d| d.text)
}

fn run(name: &str, html: &[u8]) -> Option<String> {
    match name {
        "dossier" => eval::pipeline_output(html),
        "dom_smoothie" => {
            let s = decode(html)?;
            let cfg = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Formatted, ..Default::default() };
            let mut r = dom_smoothie::Readability::new(s.as_str(), None, Some(cfg)).ok()?;
            r.parse().ok().map(|a| a.text_content.to_string())
        }
        "trafilatura" => {
            let s = decode(html)?;
            trafilatura::extract(&s, &trafilatura::Options::default()).ok().map(|r| r.content_text)
        }
        "rs-trafilatura" => {
            let o = rs_trafilatura::Options { include_tables: true, ..Default::default() };
            rs_trafilatura::extract_bytes_with_options(html, &o).ok().map(|r| r.content_text)
        }
        _ => panic!("unknown extractor {name}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(&args[0]);
    let names: Vec<String> = if args.len() > 1 { args[1..].to_vec() } else {
        ["dossier", "dom_smoothie", "trafilatura", "rs-trafilatura"].iter().map(|s| s.to_string()).collect()
    };
    let (root, cases) = eval::load(&dir).expect("load");
    let pages: Vec<Vec<u8>> = cases.iter().map(|c| eval::read_page(&root, &c.file).unwrap_or_default()).collect();
    for name in &names {
        let mut k = eval::Counts::default();
        let t = Instant::now();
        for (c, p) in cases.iter().zip(&pages) {
            let out = std::panic::catch_unwind(|| run(name, p)).ok().flatten();
            k.add(eval::count(c, out.as_deref()));
        }
        let secs = t.elapsed().as_secs_f64();
        let s = k.scores();
        println!("{name:>15}  P {:.3}  R {:.3}  A {:.3}  F1 {:.3}  {:.0} pages/s  ({} pages, {:.1}s)",
            s.precision, s.recall, s.accuracy, s.f1, cases.len() as f64 / secs, cases.len(), secs);
    }
}
