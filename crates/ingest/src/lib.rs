//! Sources of documents. Each source turns its input into [`Item`]s: one
//! per report, each either an extracted [`Document`] or a clear error
//! naming the input, so one bad file never stops a batch.
//!
//! - [`files`]: paths and folders (walked recursively, in sorted order) of
//!   plain text, HTML, and JSON/JSONL records;
//! - [`records`]: JSON records (`text` or `html`, with optional `url`,
//!   `title`, `published`, `source`, `byline`), from files or standard input.

pub mod files;
pub mod records;

use dossier_model::Document;

/// One input report: where it came from and what became of it.
#[derive(Debug)]
pub struct Item {
    /// The path as given (with `:LINE` for a JSONL record).
    pub origin: String,
    pub result: Result<Document, IngestError>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("file is {size} bytes, over the limit of {limit} bytes (raise it with --max-bytes)")]
    TooLarge { size: u64, limit: u64 },
    #[error(transparent)]
    Extract(#[from] dossier_extract::ExtractError),
    #[error("not a JSON record: {0}")]
    Json(String),
    #[error("JSON record has neither `text` nor `html`")]
    NoContent,
}

/// Limits that protect a batch from hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file (or JSON record) read, in bytes.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 20 * 1024 * 1024 }
    }
}
