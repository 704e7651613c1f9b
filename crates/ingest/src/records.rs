//! JSON records: one object per report, as JSON Lines or a JSON array.

use crate::{IngestError, Item, Limits};
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

/// Turn one record into a document.
pub fn record_to_item(origin: String, path: Option<&str>, rec: Record) -> Item {
    let hints = SourceHints {
        path: path.map(str::to_string),
        url: rec.url,
        title: rec.title,
        published: rec.published,
        source: rec.source,
        byline: rec.byline,
        content_type: Some(if rec.html.is_some() && rec.text.is_none() { "text/html" } else { "text/plain" }.into()),
    };
    let result = match (rec.text, rec.html) {
        (Some(t), _) if !t.trim().is_empty() => dossier_extract::extract(t.as_bytes(), &hints).map_err(Into::into),
        (_, Some(h)) => dossier_extract::extract(h.as_bytes(), &hints).map_err(Into::into),
        (Some(_), None) => Err(IngestError::Extract(dossier_extract::ExtractError::Empty)),
        (None, None) => Err(IngestError::NoContent),
    };
    Item { origin, result }
}

/// Parse JSON Lines from a reader: one item per non-blank line, a bad line
/// becomes a failed item naming its line number.
pub fn read_jsonl<R: BufRead>(reader: R, origin: &str, path: Option<&str>, limits: Limits) -> Vec<Item> {
    let mut out = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        let at = format!("{origin}:{}", i + 1);
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                out.push(Item { origin: at, result: Err(IngestError::Io(e.to_string())) });
                break;
            }
        };
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if line.len() as u64 > limits.max_bytes {
            out.push(Item { origin: at, result: Err(IngestError::TooLarge { size: line.len() as u64, limit: limits.max_bytes }) });
            continue;
        }
        match serde_json::from_slice::<Record>(&line) {
            Ok(rec) => out.push(record_to_item(at, path, rec)),
            Err(e) => out.push(Item { origin: at, result: Err(IngestError::Json(e.to_string())) }),
        }
    }
    out
}

/// Parse a `.json` file: one record or an array of records.
pub fn read_json(bytes: &[u8], origin: &str, path: Option<&str>) -> Vec<Item> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let at = format!("{origin}[{i}]");
                match serde_json::from_value::<Record>(v) {
                    Ok(rec) => record_to_item(at, path, rec),
                    Err(e) => Item { origin: at, result: Err(IngestError::Json(e.to_string())) },
                }
            })
            .collect(),
        Ok(v) => match serde_json::from_value::<Record>(v) {
            Ok(rec) => vec![record_to_item(origin.to_string(), path, rec)],
            Err(e) => vec![Item { origin: origin.to_string(), result: Err(IngestError::Json(e.to_string())) }],
        },
        Err(e) => vec![Item { origin: origin.to_string(), result: Err(IngestError::Json(e.to_string())) }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_lines_become_items_and_bad_lines_fail_alone() {
        let input = "{\"text\":\"Talks resumed on Monday in Cairo, officials said.\",\"source\":\"Wire\",\"published\":\"2025-07-07\"}\nnot json\n\n{\"url\":\"https://x.example/a\"}\n{\"html\":\"<html><body><article><p>The court ruled on Monday that the appeal could go ahead, the lawyers said after the hearing in the capital.</p></article></body></html>\"}\n";
        let items = read_jsonl(input.as_bytes(), "in.jsonl", Some("in.jsonl"), Limits::default());
        assert_eq!(items.len(), 4);
        let d = items[0].result.as_ref().unwrap();
        assert_eq!(d.publisher.as_deref(), Some("Wire"));
        assert_eq!(d.published.as_deref(), Some("2025-07-07"));
        assert_eq!(items[1].origin, "in.jsonl:2");
        assert!(matches!(items[1].result, Err(IngestError::Json(_))));
        assert!(matches!(items[2].result, Err(IngestError::NoContent)));
        assert!(items[3].result.as_ref().unwrap().text.contains("appeal"));
    }

    #[test]
    fn json_array_is_read_item_by_item() {
        let items = read_json(br#"[{"text":"One report about the talks."},{"title":5}]"#, "a.json", None);
        assert_eq!(items.len(), 2);
        assert!(items[0].result.is_ok());
        assert!(items[1].result.is_err());
    }
}
