//! The checks behind Dossier's fuzz targets, one function per target. Each
//! takes arbitrary bytes, runs one stage on them and asserts what must hold
//! for any input: no panic, and every annotation a byte range inside the
//! text that falls on character boundaries. `fuzz_targets/*.rs` hand them to
//! libFuzzer (`cargo fuzz run NAME`); `tests/smoke.rs` runs them on random
//! and mutated inputs under plain `cargo test`.

use dossier_model::{Document, SourceHints};

/// A text span must lie inside `text` on char boundaries.
fn span_ok(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what} {start}..{end} outside text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} {start}..{end} not on char boundaries"
    );
}

/// Every stand-off annotation of `doc` points into its text.
pub fn check_document(doc: &Document) {
    let t = &doc.text;
    for s in &doc.sentences {
        span_ok(t, s.start, s.end, "sentence");
    }
    for s in &doc.paragraphs {
        span_ok(t, s.start, s.end, "paragraph");
    }
    for e in &doc.entities {
        span_ok(t, e.start, e.end, "entity");
        assert_eq!(&t[e.start..e.end], e.text, "entity text equals its span");
    }
    // Quotes, figures and times are checked through their JSON form: every
    // object holding "start" and "end" numbers is a span into the text.
    let v = serde_json::to_value(doc).expect("a document serializes");
    for key in ["quotes", "figures", "times"] {
        if let Some(x) = v.get(key) {
            walk_spans(t, x, key);
        }
    }
    serde_json::from_value::<Document>(v).expect("a document deserializes back");
}

fn walk_spans(text: &str, v: &serde_json::Value, what: &str) {
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(s), Some(e)) = (
                m.get("start").and_then(|x| x.as_u64()),
                m.get("end").and_then(|x| x.as_u64()),
            ) {
                span_ok(text, s as usize, e as usize, what);
            }
            for x in m.values() {
                walk_spans(text, x, what);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_spans(text, x, what)),
        _ => {}
    }
}

fn lossy(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// HTML article extraction (dom_smoothie and Dossier's clean-up after it).
pub fn html_extract(data: &[u8]) {
    let page = lossy(data);
    let _ = dossier_extract::html::extract(&page, Some("https://example.org/a/b"));
    if let Ok(d) = dossier_extract::extract_html(&page, &SourceHints::default()) {
        check_document(&d);
    }
}

/// Plain-text clean-up (site furniture, bylines, footers).
pub fn text_clean(data: &[u8]) {
    let raw = lossy(data);
    let _ = dossier_extract::text::clean(&raw, Some("A title"));
    let d = dossier_extract::extract_text(&raw, &SourceHints::default());
    check_document(&d);
}

/// Decoding of unknown bytes (charset sniffing, compression) and the whole
/// extraction dispatch.
pub fn decode_extract(data: &[u8]) {
    let _ = dossier_extract::decode::decode(data, None);
    let _ = dossier_extract::decode::decode(data, Some("windows-1252"));
    if let Ok(d) = dossier_extract::extract(data, &SourceHints::default()) {
        check_document(&d);
    }
}

/// Every annotator, through the pipeline, on a document built from the
/// input as plain text.
pub fn annotate(data: &[u8]) {
    use std::sync::OnceLock;
    static PIPE: OnceLock<Option<dossier_nlp::Pipeline>> = OnceLock::new();
    let Some(p) = PIPE.get_or_init(|| dossier_nlp::Pipeline::new().ok()) else {
        return;
    };
    let mut d = Document {
        id: "fuzz".into(),
        text: lossy(data),
        ..Default::default()
    };
    p.annotate(&mut d);
    check_document(&d);
    // Annotating twice gives the same result.
    let mut again = d.clone();
    p.annotate(&mut again);
    assert_eq!(again, d, "annotation is idempotent");
}

/// RSS/Atom/JSON feed parsing.
pub fn feed_parse(data: &[u8]) {
    let _ = dossier_ingest::feeds::sniff(data);
    if let Ok(feed) = dossier_ingest::feeds::parse(data) {
        for p in dossier_ingest::feeds::items("fuzz", &feed, None) {
            let _ = dossier_ingest::extract(p);
        }
    }
}

/// WARC reading, record by record, with a small size limit.
pub fn warc_read(data: &[u8]) {
    let _ = dossier_ingest::warc::sniff(data);
    let reader: Box<dyn std::io::BufRead + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let limits = dossier_ingest::Limits {
        max_bytes: 1 << 16,
        ..Default::default()
    };
    for p in dossier_ingest::warc::records(reader, "fuzz.warc".into(), limits).take(64) {
        let _ = dossier_ingest::extract(p);
    }
}

/// JSON and JSONL records.
pub fn json_records(data: &[u8]) {
    for p in dossier_ingest::records::read_json(data, "fuzz.json", Some("fuzz.json")) {
        if let Ok(d) = dossier_ingest::extract(p).result {
            check_document(&d);
        }
    }
}
