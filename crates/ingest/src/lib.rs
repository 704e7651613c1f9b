//! Sources of documents. A source turns its input into a lazy stream of
//! [`Pending`] inputs (bytes plus what the source knows about them, or a
//! clear error naming the input); [`extract`] then makes each a
//! [`Document`]. Reading is sequential and cheap; extraction is the costly
//! part and callers run it in parallel. One bad input never stops a batch.
//!
//! - [`files`]: paths and folders (walked recursively, in sorted order) of
//!   plain text, HTML, and JSON/JSONL records;
//! - [`records`]: JSON records (`text` or `html`, with optional `url`,
//!   `title`, `published`, `source`, `byline`), from files or standard input,
//!   streamed line by line;
//! - [`fetch`]: URLs of pages, feeds ([`feeds`]) and sitemaps ([`sitemap`]);
//! - [`warc`]: web archives, streamed record by record;
//! - [`watch`]: feeds polled over time, with what was seen remembered.

pub mod feeds;
pub mod fetch;
pub mod files;
pub mod httpmsg;
pub mod records;
pub mod sitemap;
pub mod warc;
pub mod watch;

use dossier_model::{Document, SourceHints};

/// One input read from a source, not yet extracted.
#[derive(Debug)]
pub struct Pending {
    /// The path as given (with `:LINE` for a JSONL record, `[i]` for a JSON array item).
    pub origin: String,
    pub input: Result<Raw, IngestError>,
}

/// Bytes and hints for one report.
#[derive(Debug)]
pub struct Raw {
    pub bytes: Vec<u8>,
    pub hints: SourceHints,
}

/// One input report: where it came from and what became of it.
#[derive(Debug)]
pub struct Item {
    pub origin: String,
    pub result: Result<Document, IngestError>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("{size} bytes, over the limit of {limit} bytes (raise it with --max-bytes)")]
    TooLarge { size: u64, limit: u64 },
    #[error(transparent)]
    Extract(#[from] dossier_extract::ExtractError),
    #[error("not a JSON record: {0}")]
    Json(String),
    #[error("JSON record has neither `text` nor `html`")]
    NoContent,
    /// A bug in Dossier met this input: reported for this input alone so
    /// the rest of the batch goes on.
    #[error("internal error while processing this input: {0}")]
    Internal(String),
}

/// Limits that protect a batch from hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file (or JSON record) read, in bytes.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Extract one pending input.
pub fn extract(p: Pending) -> Item {
    let result = p
        .input
        .and_then(|raw| dossier_extract::extract(&raw.bytes, &raw.hints).map_err(Into::into));
    Item {
        origin: p.origin,
        result,
    }
}
