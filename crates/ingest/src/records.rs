//! JSON records: one object per report, as JSON Lines (streamed) or a JSON
//! file holding one object or an array.

use crate::{IngestError, Limits, Pending, Raw};
use dossier_model::SourceHints;
use serde::Deserialize;
use std::io::BufRead;

/// The fields Dossier reads from a record; others are ignored.
#[derive(Debug, Deserialize, Default)]
pub struct Record {
    pub text: Option<String>,
    pub html: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    #[serde(alias = "date", alias = "published_at", alias = "pubDate")]
    pub published: Option<String>,
    #[serde(alias = "publisher", alias = "outlet")]
    pub source: Option<String>,
    #[serde(alias = "author")]
    pub byline: Option<String>,
}

/// Turn one record into a pending input.
pub fn record_to_pending(origin: String, path: Option<&str>, rec: Record) -> Pending {
    let (bytes, content_type) = match (rec.text, rec.html) {
        (Some(t), _) if !t.trim().is_empty() => (t.into_bytes(), "text/plain"),
        (_, Some(h)) => (h.into_bytes(), "text/html"),
        (Some(t), None) => (t.into_bytes(), "text/plain"),
        (None, None) => {
            return Pending {
                origin,
                input: Err(IngestError::NoContent),
            }
        }
    };
    let hints = SourceHints {
        path: path.map(str::to_string),
        url: rec.url,
        title: rec.title,
        published: rec.published,
        source: rec.source,
        byline: rec.byline,
        content_type: Some(content_type.into()),
    };
    Pending {
        origin,
        input: Ok(Raw { bytes, hints }),
    }
}

/// JSON Lines, streamed: one pending input per non-blank line; a bad line
/// becomes a failed input naming its line number.
pub struct Jsonl<R> {
    reader: R,
    origin: String,
    path: Option<String>,
    limits: Limits,
    line: usize,
    done: bool,
}

impl<R: BufRead> Jsonl<R> {
    pub fn new(reader: R, origin: &str, path: Option<&str>, limits: Limits) -> Self {
        Jsonl {
            reader,
            origin: origin.to_string(),
            path: path.map(str::to_string),
            limits,
            line: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Jsonl<R> {
    type Item = Pending;

    fn next(&mut self) -> Option<Pending> {
        let mut buf = Vec::new();
        while !self.done {
            buf.clear();
            self.line += 1;
            let at = format!("{}:{}", self.origin, self.line);
            // Read at most one byte past the limit so a huge line cannot
            // exhaust memory; the rest of it is skipped.
            let mut limited = (&mut self.reader).take(self.limits.max_bytes + 1);
            match limited.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Pending {
                        origin: at,
                        input: Err(IngestError::Io(e.to_string())),
                    });
                }
            }
            if buf.len() as u64 > self.limits.max_bytes && !buf.ends_with(b"\n") {
                let mut skipped = buf.len() as u64;
                let mut sink = Vec::new();
                loop {
                    sink.clear();
                    match (&mut self.reader)
                        .take(1 << 20)
                        .read_until(b'\n', &mut sink)
                    {
                        Ok(0) => break,
                        Ok(n) => {
                            skipped += n as u64;
                            if sink.ends_with(b"\n") {
                                break;
                            }
                        }
                        Err(_) => break,
                    }
                }
                return Some(Pending {
                    origin: at,
                    input: Err(IngestError::TooLarge {
                        size: skipped,
                        limit: self.limits.max_bytes,
                    }),
                });
            }
            if buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            return Some(match serde_json::from_slice::<Record>(&buf) {
                Ok(rec) => record_to_pending(at, self.path.as_deref(), rec),
                Err(e) => Pending {
                    origin: at,
                    input: Err(IngestError::Json(e.to_string())),
                },
            });
        }
        None
    }
}

use std::io::Read;

/// A `.json` file: one record or an array of records.
pub fn read_json(bytes: &[u8], origin: &str, path: Option<&str>) -> Vec<Pending> {
    let bad = |at: String, e: serde_json::Error| Pending {
        origin: at,
        input: Err(IngestError::Json(e.to_string())),
    };
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let at = format!("{origin}[{i}]");
                match serde_json::from_value::<Record>(v) {
                    Ok(rec) => record_to_pending(at, path, rec),
                    Err(e) => bad(at, e),
                }
            })
            .collect(),
        Ok(v) => match serde_json::from_value::<Record>(v) {
            Ok(rec) => vec![record_to_pending(origin.to_string(), path, rec)],
            Err(e) => vec![bad(origin.to_string(), e)],
        },
        Err(e) => vec![bad(origin.to_string(), e)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract;

    #[test]
    fn jsonl_lines_become_items_and_bad_lines_fail_alone() {
        let input = "{\"text\":\"Talks resumed on Monday in Cairo, officials said.\",\"source\":\"Wire\",\"published\":\"2025-07-07\"}\nnot json\n\n{\"url\":\"https://x.example/a\"}\n{\"html\":\"<html><body><article><p>The court ruled on Monday that the appeal could go ahead, the lawyers said after the hearing in the capital.</p></article></body></html>\"}\n";
        let items: Vec<_> = Jsonl::new(
            input.as_bytes(),
            "in.jsonl",
            Some("in.jsonl"),
            Limits::default(),
        )
        .map(extract)
        .collect();
        assert_eq!(items.len(), 4);
        let d = items[0].result.as_ref().unwrap();
        assert_eq!(d.publisher.as_deref(), Some("Wire"));
        assert_eq!(d.published.as_deref(), Some("2025-07-07"));
        assert_eq!(items[1].origin, "in.jsonl:2");
        assert!(matches!(items[1].result, Err(IngestError::Json(_))));
        assert_eq!(items[2].origin, "in.jsonl:4");
        assert!(matches!(items[2].result, Err(IngestError::NoContent)));
        assert!(items[3].result.as_ref().unwrap().text.contains("appeal"));
    }

    #[test]
    fn an_overlong_line_fails_alone() {
        let long = format!("{{\"text\":\"{}\"}}", "a ".repeat(600));
        let input = format!("{long}\n{{\"text\":\"A short report on the talks.\"}}\n");
        let items: Vec<_> = Jsonl::new(input.as_bytes(), "x", None, Limits { max_bytes: 100 })
            .map(extract)
            .collect();
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0].result, Err(IngestError::TooLarge { .. })));
        assert!(items[1].result.is_ok());
    }

    #[test]
    fn json_array_is_read_item_by_item() {
        let items: Vec<_> = read_json(
            br#"[{"text":"One report about the talks."},{"title":5}]"#,
            "a.json",
            None,
        )
        .into_iter()
        .map(extract)
        .collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].result.is_ok());
        assert!(items[1].result.is_err());
    }
}
