//! HTTP responses as archives store them: status line, headers, body with
//! its transfer and content codings. Shared by the WARC reader; the fetcher
//! uses the same content-type rules.

use crate::IngestError;
use std::io::Read;

/// One parsed HTTP response.
#[derive(Debug, Default)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub chunked: bool,
    pub body: Vec<u8>,
}

/// Parse a stored response (`HTTP/1.x CODE ...`, headers, blank line, body).
pub fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let end = find(raw, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| find(raw, b"\n\n").map(|i| (i, 2)));
    let (head_len, sep) = end.ok_or("HTTP response without end of headers")?;
    let head = String::from_utf8_lossy(&raw[..head_len]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    if !status_line.starts_with("HTTP/") {
        return Err(format!(
            "not an HTTP response: {:?}",
            status_line.chars().take(40).collect::<String>()
        ));
    }
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or("HTTP status line without code")?;
    let mut r = Response {
        status,
        ..Default::default()
    };
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().to_string();
        match k.trim().to_ascii_lowercase().as_str() {
            "content-type" => r.content_type = Some(v),
            "content-encoding" => r.content_encoding = Some(v.to_ascii_lowercase()),
            "transfer-encoding" => r.chunked = v.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    r.body = raw[head_len + sep..].to_vec();
    Ok(r)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Response {
    /// The body with chunking and content coding (gzip, deflate, br)
    /// removed, at most `max` bytes once decoded.
    pub fn decoded_body(&self, max: u64) -> Result<Vec<u8>, IngestError> {
        let body = if self.chunked {
            dechunk(&self.body).unwrap_or_else(|| self.body.clone())
        } else {
            self.body.clone()
        };
        decode_content(&body, self.content_encoding.as_deref(), max)
    }
}

/// Undo a content coding, refusing to inflate past `max` bytes.
pub fn decode_content(body: &[u8], coding: Option<&str>, max: u64) -> Result<Vec<u8>, IngestError> {
    let coding = coding.unwrap_or("").trim().to_ascii_lowercase();
    let reader: Box<dyn Read + '_> = match coding.as_str() {
        "" | "identity" => return Ok(body.to_vec()),
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(body)),
        "deflate" => {
            // "deflate" is zlib-wrapped by the standard and raw by some servers.
            if body.first().map(|b| b & 0x0f == 8).unwrap_or(false) {
                Box::new(flate2::read::ZlibDecoder::new(body))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(body))
            }
        }
        "br" => Box::new(brotli_decompressor::Decompressor::new(body, 4096)),
        other => {
            return Err(IngestError::Io(format!(
                "unsupported content encoding {other:?}"
            )))
        }
    };
    let mut out = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| IngestError::Io(format!("bad {coding} body: {e}")))?;
    if out.len() as u64 > max {
        return Err(IngestError::TooLarge {
            size: out.len() as u64,
            limit: max,
        });
    }
    Ok(out)
}

/// Undo `Transfer-Encoding: chunked`; `None` when the framing is broken.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = find(b, b"\r\n")?;
        let size_txt = std::str::from_utf8(&b[..nl]).ok()?;
        let size = usize::from_str_radix(size_txt.split(';').next()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size..)?;
        b = b.strip_prefix(b"\r\n").unwrap_or(b);
    }
}

/// The media type alone, lower-cased (`text/html; charset=x` gives `text/html`).
pub fn mime(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Is this a document Dossier reads (HTML, XHTML, plain text), or an
/// unlabelled body that extraction will sniff?
pub fn is_document_type(content_type: Option<&str>) -> bool {
    match content_type.map(mime) {
        None => true,
        Some(m) => m.is_empty() || m.contains("html") || m == "text/plain",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn headers_status_and_chunked_gzip_bodies() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<p>Hello</p>").unwrap();
        let z = gz.finish().unwrap();
        let mut raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        raw.extend(format!("{:x}\r\n", z.len()).as_bytes());
        raw.extend(&z);
        raw.extend(b"\r\n0\r\n\r\n");
        let r = parse_response(&raw).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(
            r.content_type.as_deref().map(mime).as_deref(),
            Some("text/html")
        );
        assert_eq!(r.decoded_body(1000).unwrap(), b"<p>Hello</p>");
        assert!(matches!(
            r.decoded_body(5),
            Err(IngestError::TooLarge { .. })
        ));
        assert!(parse_response(b"GET / HTTP/1.1\r\n\r\n").is_err());
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&b"The port reopened on Monday. ".repeat(50))
            .unwrap();
        let z = gz.finish().unwrap();
        assert!(decode_content(&z[..z.len() / 2], Some("gzip"), 1 << 20).is_err());
        assert!(decode_content(b"x", Some("compress"), 10).is_err());
    }

    #[test]
    fn document_types() {
        assert!(is_document_type(Some("text/html; charset=utf-8")));
        assert!(is_document_type(Some("application/xhtml+xml")));
        assert!(is_document_type(None));
        assert!(!is_document_type(Some("image/png")));
        assert!(!is_document_type(Some("application/pdf")));
    }
}
