//! Web archives: WARC and WARC.gz files, streamed record by record (the
//! `warc` crate's streaming reader; gzip members through `flate2`), never
//! loaded whole. Each `response` (and `resource`) record holding a page
//! becomes one input, with the archived URL and the HTTP content type as
//! hints; `request`, `metadata`, `warcinfo` and `revisit` records are
//! skipped, and so are responses that are not documents (images, scripts,
//! style sheets, fonts, media) and non-200 responses. A record over the size
//! limit is skipped unread and reported. A damaged archive (bad header,
//! truncated gzip or body) yields one failed input naming the place, after
//! every record read before it.
//!
//! Reading runs on its own thread, which hands records over through a small
//! bounded channel: memory stays flat whatever the archive's size.

use crate::{IngestError, Limits, Pending, Raw};
use dossier_model::SourceHints;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::mpsc;
use warc::{RecordType, WarcHeader, WarcReader};

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

/// The pages of a WARC stream (already decompressed), lazily.
pub fn records(
    reader: Box<dyn BufRead + Send>,
    origin: String,
    limits: Limits,
) -> Box<dyn Iterator<Item = Pending>> {
    let (tx, rx) = mpsc::sync_channel::<Pending>(8);
    std::thread::spawn(move || pump(reader, &origin, limits, tx));
    Box::new(rx.into_iter())
}

/// Read records and send the pages; stops when the receiver is gone.
fn pump(
    reader: Box<dyn BufRead + Send>,
    origin: &str,
    limits: Limits,
    tx: mpsc::SyncSender<Pending>,
) {
    let mut wr = WarcReader::new(reader);
    let mut it = wr.stream_records();
    let mut n = 0usize;
    while let Some(next) = it.next_item() {
        n += 1;
        let at = format!("{origin}#{n}");
        let mut rec = match next {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send(Pending {
                    origin: at,
                    input: Err(IngestError::Io(format!("damaged WARC record: {e}"))),
                });
                return;
            }
        };
        if !matches!(rec.warc_type(), RecordType::Response | RecordType::Resource) {
            continue;
        }
        let url = rec
            .header(WarcHeader::TargetURI)
            .map(|u| u.trim().trim_matches(['<', '>']).to_string());
        let at = url
            .as_ref()
            .map(|u| format!("{origin}#{n} {u}"))
            .unwrap_or(at);
        let is_response = matches!(rec.warc_type(), RecordType::Response);
        let record_type = rec
            .header(WarcHeader::ContentType)
            .map(|c| c.to_ascii_lowercase())
            .unwrap_or_default();
        let len = rec.content_length();
        // Headers of a response are small; a body over the limit is skipped unread.
        if len > limits.max_bytes + 64 * 1024 {
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
        if let Err(e) = rec.read_to_end(&mut body) {
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
}
