//! Files and folders. Folders are walked recursively in sorted order so a
//! batch is processed the same way on every run; hidden files are skipped.

use crate::{records, IngestError, Item, Limits};
use dossier_model::SourceHints;
use std::path::{Path, PathBuf};

/// Every file under the given paths, sorted, with the path as the user
/// would recognise it (the argument joined with the relative part).
/// Unreadable paths become failed items.
pub fn list(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Item>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    for p in paths {
        if !p.exists() {
            failed.push(Item { origin: p.display().to_string(), result: Err(IngestError::Io("no such file or folder".into())) });
            continue;
        }
        let walker = walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
        });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                Ok(_) => {}
                Err(e) => failed.push(Item {
                    origin: e.path().map(|p| p.display().to_string()).unwrap_or_else(|| p.display().to_string()),
                    result: Err(IngestError::Io(e.to_string())),
                }),
            }
        }
    }
    (files, failed)
}

/// Read one file into items: JSON/JSONL files give one item per record,
/// other files one item.
pub fn read_file(path: &Path, limits: Limits) -> Vec<Item> {
    let origin = path.display().to_string();
    let fail = |e: IngestError| vec![Item { origin: origin.clone(), result: Err(e) }];
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return fail(IngestError::Io(e.to_string())),
    };
    if ext == "jsonl" || ext == "ndjson" {
        // Records are checked one by one; the file itself may be large.
        return match std::fs::File::open(path) {
            Ok(f) => records::read_jsonl(std::io::BufReader::new(f), &origin, Some(&origin), limits),
            Err(e) => fail(IngestError::Io(e.to_string())),
        };
    }
    if size > limits.max_bytes {
        return fail(IngestError::TooLarge { size, limit: limits.max_bytes });
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return fail(IngestError::Io(e.to_string())),
    };
    if ext == "json" {
        return records::read_json(&bytes, &origin, Some(&origin));
    }
    let content_type = match ext.as_str() {
        "html" | "htm" | "xhtml" => Some("text/html".to_string()),
        "txt" | "text" | "md" => Some("text/plain".to_string()),
        _ => None,
    };
    let hints = SourceHints { path: Some(origin.clone()), content_type, ..Default::default() };
    vec![Item { origin, result: dossier_extract::extract(&bytes, &hints).map_err(Into::into) }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_in_order_and_bad_files_fail_alone() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("b.txt"), "Second report\nThe talks went on for a second day on Tuesday.\nNo deal yet.").unwrap();
        std::fs::write(d.join("a.txt"), "First report\nThe talks began on Monday in Doha, officials said.\nBoth sides attended.").unwrap();
        std::fs::write(d.join("empty.txt"), "").unwrap();
        std::fs::write(d.join("blob.bin"), [0u8, 1, 2, 3, 255, 254]).unwrap();
        std::fs::write(d.join(".hidden"), "skip me").unwrap();
        std::fs::write(d.join("big.txt"), vec![b'a'; 2048]).unwrap();
        let (files, failed) = list(&[d.to_path_buf(), d.join("missing")]);
        assert_eq!(failed.len(), 1);
        let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["a.txt", "b.txt", "big.txt", "blob.bin", "empty.txt"]);
        let limits = Limits { max_bytes: 1024 };
        let items: Vec<Item> = files.iter().flat_map(|f| read_file(f, limits)).collect();
        let ok: Vec<bool> = items.iter().map(|i| i.result.is_ok()).collect();
        assert_eq!(ok, vec![true, true, false, false, false]);
        assert!(items[2].result.as_ref().unwrap_err().to_string().contains("over the limit"));
        assert!(items[3].result.as_ref().unwrap_err().to_string().contains("binary"));
        assert!(items[4].result.as_ref().unwrap_err().to_string().contains("empty"));
        assert_eq!(items[0].result.as_ref().unwrap().title.as_deref(), Some("First report"));
    }
}
