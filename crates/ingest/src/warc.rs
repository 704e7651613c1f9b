//! Web archives: WARC and WARC.gz files, streamed record by record (gzip
//! members through `flate2`), never loaded whole. Each `response` (and `resource`) record holding a page
//! becomes one input, with the archived URL and the HTTP content type as
//! hints; `request`, `metadata`, `warcinfo` and `revisit` records are
//! skipped, and so are responses that are not documents (images, scripts,
//! style sheets, fonts, media) and non-200 responses. A record over the size
//! limit is skipped unread and reported. A record whose header block is
//! damaged yields one failed input naming the place, and reading goes on at
//! the next `WARC/` line; header values that are not UTF-8 (Latin-1 URLs
//! are common in crawls) are read leniently. A truncated archive (gzip or
//! body cut short) yields one failed input after every record before it.
//!
//! The record reader is this module's own: the `warc` crate (0.4) panics on
//! a header value that is not UTF-8 and stops at the first damaged record,
//! which lost the rest of the archive.
//!
//! Reading runs on its own thread, which hands records over through a small
//! bounded channel: memory stays flat whatever the archive's size.

use crate::{IngestError, Limits, Pending, Raw};
use dossier_model::SourceHints;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::mpsc;

/// Longest header line read; longer ones make the record damaged.
const MAX_HEADER_LINE: u64 = 64 * 1024;
/// Most header lines in one record.
const MAX_HEADER_LINES: usize = 512;

/// One record's header block.
#[derive(Debug, Default)]
struct Head {
    fields: Vec<(String, String)>,
}

impl Head {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the reader met next.
enum Next {
    /// A record's header; its block of `length` bytes follows.
    Record(Head, u64),
    /// A damaged header block (the reason); the reader has moved on to the
    /// next `WARC/` line.
    Damaged(String),
    /// End of the stream.
    End,
}

/// One line (with its ending) into `buf`, at most `MAX_HEADER_LINE` bytes.
fn read_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    buf.clear();
    r.take(MAX_HEADER_LINE).read_until(b'\n', buf)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b'\r' | b'\n'))
}

/// A lenient WARC record reader over a decompressed stream.
struct Records<R> {
    r: R,
    line: Vec<u8>,
    /// A version line was consumed while resynchronizing: the next record's
    /// fields come next.
    at_version: bool,
}

impl<R: BufRead> Records<R> {
    fn new(r: R) -> Self {
        Records {
            r,
            line: Vec::new(),
            at_version: false,
        }
    }

    /// Skip to the line after the next `WARC/` line (the next record's
    /// fields), or to the end.
    fn resync(&mut self) -> std::io::Result<()> {
        loop {
            if read_line(&mut self.r, &mut self.line)? == 0 {
                self.at_version = false;
                return Ok(());
            }
            if self.line.starts_with(b"WARC/") {
                self.at_version = true;
                return Ok(());
            }
        }
    }

    /// Pass over a record block of `len` bytes unread.
    fn skip(&mut self, len: u64) -> Result<(), IngestError> {
        let skipped = std::io::copy(&mut (&mut self.r).take(len), &mut std::io::sink())
            .map_err(|e| IngestError::Io(format!("truncated WARC record: {e}")))?;
        if skipped < len {
            return Err(IngestError::Io("truncated WARC record".into()));
        }
        Ok(())
    }

    fn damaged(&mut self, why: String) -> std::io::Result<Next> {
        self.resync()?;
        Ok(Next::Damaged(why))
    }

    /// The next record header, leaving the reader at its block.
    fn next_head(&mut self) -> std::io::Result<Next> {
        if !self.at_version {
            // Blank lines end the previous record.
            loop {
                if read_line(&mut self.r, &mut self.line)? == 0 {
                    return Ok(Next::End);
                }
                if !is_blank(&self.line) {
                    break;
                }
            }
            if !self.line.starts_with(b"WARC/") {
                let found = String::from_utf8_lossy(&self.line)
                    .trim()
                    .chars()
                    .take(40)
                    .collect::<String>();
                return self.damaged(format!("expected a WARC/1.x line, found {found:?}"));
            }
        }
        self.at_version = false;
        let mut head = Head::default();
        for _ in 0..MAX_HEADER_LINES {
            if read_line(&mut self.r, &mut self.line)? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the archive ends inside a record header",
                ));
            }
            if is_blank(&self.line) {
                return match head
                    .get("Content-Length")
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    Some(n) => Ok(Next::Record(head, n)),
                    None => self.damaged("missing or unreadable Content-Length".into()),
                };
            }
            let text = String::from_utf8_lossy(&self.line);
            match text.split_once(':') {
                Some((k, v)) if !k.trim().is_empty() && !k.trim().contains(' ') => head
                    .fields
                    .push((k.trim().to_string(), v.trim().to_string())),
                _ => {
                    let why = format!(
                        "header line without a field name: {:?}",
                        text.trim().chars().take(40).collect::<String>()
                    );
                    return self.damaged(why);
                }
            }
        }
        self.damaged("too many header lines".into())
    }
}

/// Does this path name a web archive?
pub fn is_warc_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// Does this start of a file look like a WARC record (plain or gzipped)?
pub fn sniff(head: &[u8]) -> bool {
    head.starts_with(b"WARC/") || {
        // A gzip member whose first bytes decode to a WARC header.
        if head.starts_with(&[0x1f, 0x8b]) {
            let mut d = flate2::read::GzDecoder::new(head);
            let mut buf = [0u8; 5];
            d.read_exact(&mut buf).is_ok() && &buf == b"WARC/"
        } else {
            false
        }
    }
}

/// Every page of a WARC file, lazily.
pub fn read(path: &Path, limits: Limits) -> Box<dyn Iterator<Item = Pending>> {
    let origin = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return Box::new(std::iter::once(Pending {
                origin,
                input: Err(IngestError::Io(e.to_string())),
            }))
        }
    };
    let mut head = BufReader::new(file);
    let gz = head
        .fill_buf()
        .map(|b| b.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    let reader: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(head)))
    } else {
        Box::new(head)
    };
    records(reader, origin, limits)
}

/// The pages of a WARC stream, read on their own thread a few records
/// ahead of the consumer. Dropping it (a consumer that stops early) raises
/// the stop flag, closes the channel and joins the thread, which ends
/// before its next record or at its next send, whichever comes first: no
/// reader outlives the iterator, and none reads on through an archive
/// nobody wants (the wait is at most the record in hand).
struct Pages {
    rx: Option<mpsc::Receiver<Pending>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Iterator for Pages {
    type Item = Pending;
    fn next(&mut self) -> Option<Pending> {
        self.rx.as_ref()?.recv().ok()
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.rx = None;
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }
}

/// The pages of a WARC stream (already decompressed), lazily.
pub fn records(
    reader: Box<dyn BufRead + Send>,
    origin: String,
    limits: Limits,
) -> Box<dyn Iterator<Item = Pending>> {
    let (tx, rx) = mpsc::sync_channel::<Pending>(8);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_reader = stop.clone();
    let handle = std::thread::spawn(move || {
        // A panic in the reader must not pass for the end of the archive.
        let done = tx.clone();
        let run = std::panic::AssertUnwindSafe(|| pump(reader, &origin, limits, tx, &stop_reader));
        if std::panic::catch_unwind(run).is_err() {
            let _ = done.send(Pending {
                origin,
                input: Err(IngestError::Internal(
                    "the WARC reader failed; the rest of the archive was not read".into(),
                )),
            });
        }
    });
    Box::new(Pages {
        rx: Some(rx),
        stop,
        reader: Some(handle),
    })
}

/// Read records and send the pages; stops when the receiver is gone or
/// `stop` is raised.
fn pump(
    reader: Box<dyn BufRead + Send>,
    origin: &str,
    limits: Limits,
    tx: mpsc::SyncSender<Pending>,
    stop: &std::sync::atomic::AtomicBool,
) {
    let mut records = Records::new(reader);
    let mut n = 0usize;
    loop {
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let next = records.next_head();
        n += 1;
        let at = format!("{origin}#{n}");
        let (head, len) = match next {
            Ok(Next::Record(head, len)) => (head, len),
            Ok(Next::End) => return,
            Ok(Next::Damaged(why)) => {
                let p = Pending {
                    origin: at,
                    input: Err(IngestError::Io(format!("damaged WARC record: {why}"))),
                };
                if tx.send(p).is_err() {
                    return;
                }
                continue;
            }
            Err(e) => {
                let _ = tx.send(Pending {
                    origin: at,
                    input: Err(IngestError::Io(format!("truncated WARC archive: {e}"))),
                });
                return;
            }
        };
        let kind = head.get("WARC-Type").unwrap_or("").to_ascii_lowercase();
        let is_response = kind == "response";
        if !is_response && kind != "resource" {
            if let Err(e) = records.skip(len) {
                let _ = tx.send(Pending {
                    origin: at,
                    input: Err(e),
                });
                return;
            }
            continue;
        }
        let url = head
            .get("WARC-Target-URI")
            .map(|u| u.trim().trim_matches(['<', '>']).to_string())
            .filter(|u| !u.is_empty());
        let at = url
            .as_ref()
            .map(|u| format!("{origin}#{n} {u}"))
            .unwrap_or(at);
        let record_type = head
            .get("Content-Type")
            .map(|c| c.to_ascii_lowercase())
            .unwrap_or_default();
        // Headers of a response are small; a body over the limit is skipped unread.
        if len > limits.max_bytes + 64 * 1024 {
            if let Err(e) = records.skip(len) {
                let _ = tx.send(Pending {
                    origin: at,
                    input: Err(e),
                });
                return;
            }
            let p = Pending {
                origin: at,
                input: Err(IngestError::TooLarge {
                    size: len,
                    limit: limits.max_bytes,
                }),
            };
            if tx.send(p).is_err() {
                return;
            }
            continue;
        }
        let mut body = Vec::with_capacity(len as usize);
        if let Err(e) = (&mut records.r).take(len).read_to_end(&mut body) {
            let _ = tx.send(Pending {
                origin: at,
                input: Err(IngestError::Io(format!("truncated WARC record: {e}"))),
            });
            return;
        }
        if (body.len() as u64) < len {
            let _ = tx.send(Pending {
                origin: at,
                input: Err(IngestError::Io("truncated WARC record".into())),
            });
            return;
        }
        let page = if is_response && record_type.contains("application/http")
            || is_response && body.starts_with(b"HTTP/")
        {
            match crate::httpmsg::parse_response(&body) {
                Ok(r) => r,
                Err(e) => {
                    if tx
                        .send(Pending {
                            origin: at,
                            input: Err(IngestError::Io(e)),
                        })
                        .is_err()
                    {
                        return;
                    }
                    continue;
                }
            }
        } else {
            crate::httpmsg::Response {
                status: 200,
                content_type: Some(record_type.clone()),
                body,
                ..Default::default()
            }
        };
        if page.status != 200 || !crate::httpmsg::is_document_type(page.content_type.as_deref()) {
            continue;
        }
        let body = match page.decoded_body(limits.max_bytes) {
            Ok(b) => b,
            Err(e) => {
                if tx
                    .send(Pending {
                        origin: at,
                        input: Err(e),
                    })
                    .is_err()
                {
                    return;
                }
                continue;
            }
        };
        let bytes =
            dossier_extract::charset::to_utf8(&body, page.content_type.as_deref()).into_owned();
        let hints = SourceHints {
            url,
            content_type: page.content_type.as_deref().map(crate::httpmsg::mime),
            ..Default::default()
        };
        if tx
            .send(Pending {
                origin: at,
                input: Ok(Raw { bytes, hints }),
            })
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// One WARC record, as a crawler writes it.
    pub fn record(kind: &str, url: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2025-07-08T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{:08x}-0000-0000-0000-000000000000>\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len() as u32 ^ url.len() as u32,
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    pub fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    }

    pub const PAGE: &str = "<html><head><title>Port reopens</title></head><body><article><p>The port reopened on Monday after a week-long strike by dock workers ended with a pay deal, the harbour authority said.</p><p>Ships queued outside the harbour for days while talks went on between the union and the operators.</p></article></body></html>";

    /// A reader that says when it is dropped.
    struct Watched(
        std::io::Cursor<Vec<u8>>,
        std::sync::Arc<std::sync::atomic::AtomicBool>,
    );
    impl std::io::Read for Watched {
        fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(b)
        }
    }
    impl BufRead for Watched {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            self.0.fill_buf()
        }
        fn consume(&mut self, n: usize) {
            self.0.consume(n)
        }
    }
    impl Drop for Watched {
        fn drop(&mut self) {
            self.1.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn a_consumer_that_stops_early_leaves_no_reader_running() {
        let mut w = Vec::new();
        for k in 0..50 {
            let page = http("200 OK", "Content-Type: text/html\r\n", PAGE.as_bytes());
            w.extend(record(
                "response",
                &format!("https://example.org/{k}"),
                "application/http; msgtype=response",
                &page,
            ));
        }
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = Watched(std::io::Cursor::new(w), dropped.clone());
        let mut pages = records(Box::new(reader), "t.warc".into(), Limits::default());
        assert!(pages.next().is_some());
        drop(pages);
        // the reader thread was joined, so it has dropped its reader
        assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn an_early_drop_does_not_read_on_through_records_nobody_wants() {
        // One page, then many request records (skipped, never sent). The
        // reader is held at the first request record until the consumer
        // has dropped the iterator; a reader that noticed the consumer only
        // at its next send would then read every record to the end.
        let mut w = record(
            "response",
            "https://example.org/a",
            "application/http; msgtype=response",
            &http("200 OK", "Content-Type: text/html\r\n", PAGE.as_bytes()),
        );
        let first = w.len() as u64;
        for k in 0..2_000 {
            w.extend(record(
                "request",
                &format!("https://example.org/{k}"),
                "application/http; msgtype=request",
                b"GET / HTTP/1.1\r\n\r\n",
            ));
        }
        let total = w.len() as u64;
        struct Gated {
            inner: std::io::Cursor<Vec<u8>>,
            first: u64,
            gate: Option<std::sync::mpsc::Receiver<()>>,
            pos: std::sync::Arc<std::sync::atomic::AtomicU64>,
        }
        impl std::io::Read for Gated {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                let n = self.fill_buf()?.len().min(b.len());
                b[..n].copy_from_slice(&self.inner.fill_buf()?[..n]);
                self.consume(n);
                Ok(n)
            }
        }
        impl BufRead for Gated {
            fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
                if self.inner.position() >= self.first {
                    if let Some(g) = self.gate.take() {
                        let _ = g.recv();
                    }
                }
                let end = if self.gate.is_some() {
                    self.first as usize
                } else {
                    self.inner.get_ref().len()
                };
                let at = self.inner.position() as usize;
                Ok(&self.inner.get_ref()[at..end])
            }
            fn consume(&mut self, n: usize) {
                self.inner.consume(n);
                self.pos
                    .store(self.inner.position(), std::sync::atomic::Ordering::SeqCst);
            }
        }
        let (go, gate) = std::sync::mpsc::channel();
        let pos = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let reader = Gated {
            inner: std::io::Cursor::new(w),
            first,
            gate: Some(gate),
            pos: pos.clone(),
        };
        let mut pages = records(Box::new(reader), "t.warc".into(), Limits::default());
        assert!(pages.next().is_some());
        let opener = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let _ = go.send(());
        });
        drop(pages); // waits for the reader, released 100 ms later
        opener.join().unwrap();
        let read = pos.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            read < total,
            "read {read} of {total} bytes after the consumer left"
        );
    }

    fn archive() -> Vec<u8> {
        let mut w = Vec::new();
        w.extend(record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        ));
        w.extend(record(
            "request",
            "https://news.example/port",
            "application/http; msgtype=request",
            b"GET /port HTTP/1.1\r\nHost: news.example\r\n\r\n",
        ));
        w.extend(record(
            "response",
            "https://news.example/port",
            "application/http; msgtype=response",
            &http(
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n",
                PAGE.as_bytes(),
            ),
        ));
        w.extend(record(
            "metadata",
            "https://news.example/port",
            "application/warc-fields",
            b"via: x\r\n",
        ));
        w.extend(record(
            "response",
            "https://news.example/logo.png",
            "application/http; msgtype=response",
            &http(
                "200 OK",
                "Content-Type: image/png\r\n",
                b"\x89PNG\r\n\x1a\n\0\0",
            ),
        ));
        w.extend(record(
            "response",
            "https://news.example/gone",
            "application/http; msgtype=response",
            &http(
                "404 Not Found",
                "Content-Type: text/html\r\n",
                b"<p>not here</p>",
            ),
        ));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(PAGE.replace("port", "airport").as_bytes())
            .unwrap();
        let zipped = gz.finish().unwrap();
        w.extend(record(
            "response",
            "https://news.example/airport",
            "application/http; msgtype=response",
            &http(
                "200 OK",
                "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
                &zipped,
            ),
        ));
        let latin = b"<html><body><article><p>Le caf\xe9 du port a rouvert lundi apr\xe8s une semaine de gr\xe8ve des dockers, a indiqu\xe9 l'autorit\xe9 portuaire.</p></article></body></html>";
        w.extend(record(
            "response",
            "https://news.example/fr",
            "application/http; msgtype=response",
            &http(
                "200 OK",
                "Content-Type: text/html; charset=iso-8859-1\r\n",
                latin,
            ),
        ));
        w
    }

    fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for r in records {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(r).unwrap();
            out.extend(gz.finish().unwrap());
        }
        out
    }

    #[test]
    fn responses_become_pages_and_the_rest_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("crawl.warc");
        std::fs::write(&p, archive()).unwrap();
        let items: Vec<crate::Item> = read(&p, Limits::default()).map(crate::extract).collect();
        assert_eq!(items.len(), 3, "{items:?}");
        let d = items[0].result.as_ref().unwrap();
        assert_eq!(d.url.as_deref(), Some("https://news.example/port"));
        assert!(d.text.contains("dock workers"));
        assert!(items[1]
            .result
            .as_ref()
            .unwrap()
            .text
            .contains("airport reopened"));
        assert!(
            items[2]
                .result
                .as_ref()
                .unwrap()
                .text
                .contains("Le café du port"),
            "{:?}",
            items[2].result
        );
    }

    #[test]
    fn gzipped_archives_are_read_member_by_member() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("crawl.warc.gz");
        let recs = vec![
            record(
                "request",
                "https://news.example/port",
                "application/http; msgtype=request",
                b"GET / HTTP/1.1\r\n\r\n",
            ),
            record(
                "response",
                "https://news.example/port",
                "application/http; msgtype=response",
                &http("200 OK", "Content-Type: text/html\r\n", PAGE.as_bytes()),
            ),
        ];
        std::fs::write(&p, gzip_members(&recs)).unwrap();
        assert!(sniff(&std::fs::read(&p).unwrap()[..64]));
        let items: Vec<crate::Item> = read(&p, Limits::default()).map(crate::extract).collect();
        assert_eq!(items.len(), 1);
        assert!(items[0].result.is_ok());
    }

    #[test]
    fn a_truncated_archive_keeps_what_came_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = archive();
        let good = w.len();
        w.extend(record(
            "response",
            "https://news.example/cut",
            "application/http; msgtype=response",
            &http("200 OK", "Content-Type: text/html\r\n", PAGE.as_bytes()),
        ));
        w.truncate(good + 400);
        let p = dir.path().join("cut.warc");
        std::fs::write(&p, &w).unwrap();
        let items: Vec<crate::Item> = read(&p, Limits::default()).map(crate::extract).collect();
        assert_eq!(items.len(), 4);
        assert!(items[..3].iter().all(|i| i.result.is_ok()));
        assert!(
            items[3]
                .result
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("truncated"),
            "{:?}",
            items[3]
        );
        // A gzip stream cut in the middle fails the same way.
        let z = gzip_members(&[archive()]);
        let p = dir.path().join("cut.warc.gz");
        std::fs::write(&p, &z[..z.len() - 40]).unwrap();
        let items: Vec<Pending> = read(&p, Limits::default()).collect();
        assert!(items.last().unwrap().input.is_err());
    }

    #[test]
    fn an_oversized_record_is_skipped_unread() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = record(
            "response",
            "https://news.example/big",
            "application/http; msgtype=response",
            &http(
                "200 OK",
                "Content-Type: text/html\r\n",
                &vec![b'a'; 300_000],
            ),
        );
        w.extend(archive());
        let p = dir.path().join("big.warc");
        std::fs::write(&p, &w).unwrap();
        let items: Vec<crate::Item> = read(&p, Limits { max_bytes: 100_000 })
            .map(crate::extract)
            .collect();
        assert!(matches!(items[0].result, Err(IngestError::TooLarge { .. })));
        assert_eq!(items.iter().filter(|i| i.result.is_ok()).count(), 3);
    }

    #[test]
    fn a_damaged_record_costs_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        // A header that is not UTF-8 (a Latin-1 URL), then a record whose
        // header block is garbage, then a good archive.
        let mut w = record(
            "response",
            "https://news.example/caf\u{e9}",
            "application/http; msgtype=response",
            &http("200 OK", "Content-Type: text/html\r\n", PAGE.as_bytes()),
        );
        let at = w.windows(2).position(|x| x == "\u{e9}".as_bytes()).unwrap();
        w.splice(at..at + 2, [0xe9u8]);
        w.extend(b"WARC/1.0\r\nthis is not a header\r\nContent-Length: x\r\n\r\nbody\r\n\r\n");
        w.extend(archive());
        let p = dir.path().join("damaged.warc");
        std::fs::write(&p, &w).unwrap();
        let items: Vec<crate::Item> = read(&p, Limits::default()).map(crate::extract).collect();
        // The Latin-1 URL is read leniently; the garbage record is one
        // error; the archive after it is read in full.
        assert!(items[0].result.is_ok(), "{:?}", items[0]);
        assert!(items[1].result.is_err(), "{:?}", items[1]);
        assert_eq!(
            items[2..].iter().filter(|i| i.result.is_ok()).count(),
            3,
            "{items:?}"
        );
    }
}
