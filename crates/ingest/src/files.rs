//! Files and folders. Folders are walked recursively in sorted order so a
//! batch is processed the same way on every run; hidden files are skipped.

use crate::{records, IngestError, Limits, Pending, Raw};
use dossier_model::SourceHints;
use std::path::{Path, PathBuf};

/// Every file under the given paths, sorted, with the path as the user
/// would recognise it (the argument joined with the relative part).
/// Unreadable paths, and anything that is neither a file nor a folder (a
/// pipe, a socket, a device), become failed items.
pub fn list(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Pending>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    for p in paths {
        if !p.exists() {
            failed.push(Pending {
                origin: p.display().to_string(),
                input: Err(IngestError::Io("no such file or folder".into())),
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                Ok(e) if e.file_type().is_dir() => {}
                // Reading a file twice (to recognise its format, then to
                // read it) needs a regular file; a pipe would lose what the
                // first look consumed.
                Ok(e) => failed.push(Pending {
                    origin: e.path().display().to_string(),
                    input: Err(IngestError::Io(
                        "not a regular file (a pipe, socket or device): save it to a file first, or send JSONL records to `-`".into(),
                    )),
                }),
                Err(e) => failed.push(Pending {
                    origin: e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| p.display().to_string()),
                    input: Err(IngestError::Io(e.to_string())),
                }),
            }
        }
    }
    (files, failed)
}

/// Read one file: JSONL files give a stream of records, JSON files their
/// record(s), any other file one input.
pub fn read_file(path: &Path, limits: Limits) -> Box<dyn Iterator<Item = Pending>> {
    let origin = path.display().to_string();
    let fail = |e: IngestError| -> Box<dyn Iterator<Item = Pending>> {
        Box::new(std::iter::once(Pending {
            origin: origin.clone(),
            input: Err(e),
        }))
    };
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return fail(IngestError::Io(e.to_string())),
    };
    // Web archives are streamed, whatever their size.
    // The file's first bytes, read once for both format checks below.
    let head = file_head(path);
    if crate::warc::is_warc_path(path) || crate::warc::sniff(&head) {
        return crate::warc::read(path, limits);
    }
    // A gzip-compressed file (`articles.jsonl.gz`, `page.html.gz`, or a
    // page saved with its compressed body under any name) is read through
    // its decoder, as the file inside; a `.gz` name says what that is.
    let gzipped = head.starts_with(&[0x1f, 0x8b]);
    let ext = if gzipped {
        inner_extension(path)
    } else {
        extension(path)
    };
    if ext == "jsonl" || ext == "ndjson" {
        // Records are checked one by one; the file itself may be large.
        return match std::fs::File::open(path) {
            Ok(f) if gzipped => Box::new(records::Jsonl::new(
                std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f)),
                &origin,
                Some(&origin),
                limits,
            )),
            Ok(f) => Box::new(records::Jsonl::new(
                std::io::BufReader::new(f),
                &origin,
                Some(&origin),
                limits,
            )),
            Err(e) => fail(IngestError::Io(e.to_string())),
        };
    }
    if size > limits.max_bytes {
        return fail(IngestError::TooLarge {
            size,
            limit: limits.max_bytes,
        });
    }
    let bytes = if gzipped {
        match read_gzip(path, limits.max_bytes) {
            Ok(b) => b,
            Err(e) => return fail(e),
        }
    } else {
        match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return fail(IngestError::Io(e.to_string())),
        }
    };
    if ext == "json" {
        return Box::new(records::read_json(&bytes, &origin, Some(&origin)).into_iter());
    }
    // Feeds give one input per item (the content the feed carries); a
    // sitemap lists pages that need fetching, reported as such.
    if !matches!(
        ext.as_str(),
        "html" | "htm" | "xhtml" | "txt" | "text" | "md"
    ) {
        if crate::feeds::sniff(&bytes) {
            return Box::new(crate::feeds::read(&origin, &bytes, None).into_iter());
        }
        if crate::sitemap::sniff(&bytes) {
            let pages = match crate::sitemap::parse(&bytes) {
                Ok(s) => s
                    .pages
                    .iter()
                    .map(|e| e.url.clone())
                    .chain(s.sitemaps)
                    .map(|u| Pending {
                        origin: format!("{origin} {u}"),
                        input: Err(IngestError::Io(
                            "listed in a sitemap; fetch it by URL".into(),
                        )),
                    })
                    .collect(),
                Err(e) => vec![Pending {
                    origin: origin.clone(),
                    input: Err(e),
                }],
            };
            return Box::new(pages.into_iter());
        }
    }
    let content_type = match ext.as_str() {
        "html" | "htm" | "xhtml" => Some("text/html".to_string()),
        "txt" | "text" | "md" => Some("text/plain".to_string()),
        _ => None,
    };
    let hints = SourceHints {
        path: Some(origin.clone()),
        content_type,
        ..Default::default()
    };
    Box::new(std::iter::once(Pending {
        origin,
        input: Ok(Raw { bytes, hints }),
    }))
}

/// A file name's extension, lower-cased ("" when it has none).
fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The extension of the file inside a compressed one: "jsonl" for
/// `articles.jsonl.gz` (and for `articles.jsonl` whose bytes are
/// compressed), "" for `page.gz`.
fn inner_extension(path: &Path) -> String {
    match extension(path).as_str() {
        "gz" | "gzip" => path
            .file_stem()
            .map(|stem| extension(Path::new(stem)))
            .unwrap_or_default(),
        ext => ext.to_string(),
    }
}

/// A gzip-compressed file decoded whole, refused once it decodes to more
/// than `limit` bytes (so a small file that expands enormously cannot
/// exhaust memory), with a clear reason when the data is damaged.
fn read_gzip(path: &Path, limit: u64) -> Result<Vec<u8>, IngestError> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| IngestError::Io(e.to_string()))?;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(f)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| IngestError::Io(format!("gzip data could not be decoded: {e}")))?;
    if out.len() as u64 > limit {
        return Err(IngestError::Io(format!(
            "decompresses to more than {limit} bytes, over the limit (raise it with --max-bytes)"
        )));
    }
    Ok(out)
}

/// The file's first 512 bytes (fewer for a shorter file, none when it
/// cannot be read: the read that follows then reports why).
fn file_head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::with_capacity(512);
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(512).read_to_end(&mut head);
    }
    head
}

/// Every input under the given paths, lazily: listing failures first, then
/// each file's inputs in sorted order.
pub fn inputs(paths: &[PathBuf], limits: Limits) -> impl Iterator<Item = Pending> {
    let (files, failed) = list(paths);
    failed
        .into_iter()
        .chain(files.into_iter().flat_map(move |f| read_file(&f, limits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn pipes_and_devices_fail_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("feed.warc");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        std::fs::write(dir.path().join("a.txt"), "A report.").unwrap();
        // Inside a folder and given directly.
        let (files, failed) = list(&[dir.path().to_path_buf(), fifo.clone()]);
        assert_eq!(files, vec![dir.path().join("a.txt")]);
        assert_eq!(failed.len(), 2, "{failed:?}");
        for f in &failed {
            assert_eq!(f.origin, fifo.display().to_string());
            let msg = f.input.as_ref().unwrap_err().to_string();
            assert!(msg.contains("not a regular file"), "{msg}");
        }
    }

    #[test]
    fn folders_are_walked_in_order_and_bad_files_fail_alone() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("b.txt"),
            "Second report\nThe talks went on for a second day on Tuesday.\nNo deal yet.",
        )
        .unwrap();
        std::fs::write(d.join("a.txt"), "First report\nThe talks began on Monday in Doha, officials said.\nBoth sides attended.").unwrap();
        std::fs::write(d.join("empty.txt"), "").unwrap();
        std::fs::write(d.join("blob.bin"), [0u8, 1, 2, 3, 255, 254]).unwrap();
        std::fs::write(d.join(".hidden"), "skip me").unwrap();
        std::fs::write(d.join("big.txt"), vec![b'a'; 2048]).unwrap();
        let (files, failed) = list(&[d.to_path_buf(), d.join("missing")]);
        assert_eq!(failed.len(), 1);
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            vec!["a.txt", "b.txt", "big.txt", "blob.bin", "empty.txt"]
        );
        let limits = Limits { max_bytes: 1024 };
        let items: Vec<crate::Item> = files
            .iter()
            .flat_map(|f| read_file(f, limits))
            .map(crate::extract)
            .collect();
        let ok: Vec<bool> = items.iter().map(|i| i.result.is_ok()).collect();
        assert_eq!(ok, vec![true, true, false, false, false]);
        assert!(items[2]
            .result
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("over the limit"));
        assert!(items[3]
            .result
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("binary"));
        assert!(items[4]
            .result
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert_eq!(
            items[0].result.as_ref().unwrap().title.as_deref(),
            Some("First report")
        );
    }

    #[test]
    fn compressed_files_are_read_as_the_file_inside() {
        use std::io::Write;
        fn gz(bytes: &[u8]) -> Vec<u8> {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(bytes).unwrap();
            e.finish().unwrap()
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let report = "Dock workers ended their strike on Monday after a week of talks.";
        let jsonl = format!(
            "{}\n{}\nnot json\n",
            serde_json::json!({"text": report, "source": "Example Wire"}),
            serde_json::json!({"html": format!("<html><body><article><p>{report}</p></article></body></html>")}),
        );
        std::fs::write(d.join("a-records.jsonl.gz"), gz(jsonl.as_bytes())).unwrap();
        std::fs::write(
            d.join("b-page.html.gz"),
            gz(crate::warc::tests::PAGE.as_bytes()),
        )
        .unwrap();
        // Compressed bytes under a plain name (a page saved with its
        // compressed body): found by sniffing.
        std::fs::write(d.join("c-report.txt"), gz(report.as_bytes())).unwrap();
        // A damaged archive fails alone, with the reason.
        let mut cut = gz(report.repeat(50).as_bytes());
        cut.truncate(cut.len() / 2);
        std::fs::write(d.join("d-cut.txt.gz"), cut).unwrap();
        std::fs::write(d.join("e-after.txt"), report).unwrap();
        // A compressed sitemap lists its pages, as a plain one does.
        std::fs::write(
            d.join("g-sitemap.xml.gz"),
            gz(crate::sitemap::tests::NEWS.as_bytes()),
        )
        .unwrap();
        let items: Vec<crate::Item> = inputs(&[d.to_path_buf()], Limits::default())
            .map(crate::extract)
            .collect();
        let origins: Vec<&str> = items.iter().map(|i| i.origin.as_str()).collect();
        assert_eq!(items.len(), 3 + 1 + 1 + 1 + 1 + 2, "{origins:?}");
        for i in [7, 8] {
            let err = items[i].result.as_ref().unwrap_err().to_string();
            assert!(err.contains("sitemap"), "{}: {err}", items[i].origin);
        }
        for i in [0, 1, 3, 4, 6] {
            let doc = items[i].result.as_ref().unwrap();
            assert!(
                doc.text.contains("ock workers"),
                "{}: {}",
                items[i].origin,
                doc.text
            );
        }
        assert_eq!(
            items[0].result.as_ref().unwrap().publisher.as_deref(),
            Some("Example Wire")
        );
        assert!(
            items[2].origin.ends_with("a-records.jsonl.gz:3"),
            "{origins:?}"
        );
        assert!(items[2].result.is_err());
        let damaged = items[5].result.as_ref().unwrap_err().to_string();
        assert!(damaged.contains("gzip"), "{damaged}");
        // An archive that decodes past the size limit is refused.
        let big = d.join("f-big.txt.gz");
        std::fs::write(&big, gz(&vec![b'a'; 10_000])).unwrap();
        let limits = Limits { max_bytes: 1_000 };
        let item = read_file(&big, limits).next().unwrap();
        let err = item.input.err().unwrap().to_string();
        assert!(
            err.contains("decompresses to more than 1000 bytes"),
            "{err}"
        );
    }

    #[test]
    fn archives_feeds_and_sitemaps_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let page = crate::warc::tests::http(
            "200 OK",
            "Content-Type: text/html\r\n",
            crate::warc::tests::PAGE.as_bytes(),
        );
        // Named without the .warc extension: found by sniffing.
        std::fs::write(
            d.join("a-crawl.bin"),
            crate::warc::tests::record(
                "response",
                "https://news.example/port",
                "application/http; msgtype=response",
                &page,
            ),
        )
        .unwrap();
        std::fs::write(d.join("b-feed.xml"), crate::feeds::tests::RSS).unwrap();
        std::fs::write(d.join("c-sitemap.xml"), crate::sitemap::tests::NEWS).unwrap();
        let items: Vec<crate::Item> = inputs(&[d.to_path_buf()], Limits::default())
            .map(crate::extract)
            .collect();
        let origins: Vec<&str> = items.iter().map(|i| i.origin.as_str()).collect();
        assert_eq!(items.len(), 1 + 2 + 2, "{origins:?}");
        assert!(items[0]
            .result
            .as_ref()
            .unwrap()
            .text
            .contains("dock workers"));
        assert!(items[1]
            .result
            .as_ref()
            .unwrap()
            .text
            .contains("dock workers"));
        assert!(items[3]
            .result
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("sitemap"));
    }
}
