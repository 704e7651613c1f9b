//! Persistence for Dossier behind one trait, [`Store`]: documents with all
//! their annotations, and the grouping (stories, storylines) computed over
//! them. The embedded default is SQLite ([`SqliteStore`]) in one file under
//! the store directory; shared deployments use PostgreSQL
//! ([`postgres::PgStore`]). [`open`] picks the backend from a store spec:
//! a `postgres://` URL or a directory.
//!
//! Writes are transactional per call: a crash halfway through a batch keeps
//! every document committed before it and nothing half-written. Putting a
//! document whose id is already stored changes nothing, so ingest is
//! idempotent, also when several processes put the same document at once.
//! Both backends run versioned migrations when opened.

use dossier_model::{Document, Story, Storyline};
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};

pub mod postgres;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("store: {0}")]
    Sql(rusqlite::Error),
    #[error("store: PostgreSQL: {0}")]
    Pg(::postgres::Error),
    #[error("store: corrupt record {id}: {source}")]
    Json {
        id: String,
        source: serde_json::Error,
    },
    #[error("store directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("store: {0}")]
    Spec(String),
    #[error("store: schema version {found} is newer than this program ({supported})")]
    Version { found: i64, supported: i64 },
    /// The store cannot be written: read-only file system, file or database.
    /// Nothing was changed.
    #[error("store is read-only, nothing was written: {0}")]
    ReadOnly(String),
    /// The disk (or the database's quota) is full. The transaction was
    /// rolled back; what was committed before is intact.
    #[error("store is full (no space left), the last batch was not written: {0}")]
    Full(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(e.to_string()),
            Some(ErrorCode::DiskFull) => StoreError::Full(e.to_string()),
            _ => StoreError::Sql(e),
        }
    }
}

impl From<::postgres::Error> for StoreError {
    fn from(e: ::postgres::Error) -> Self {
        use ::postgres::error::SqlState;
        match e.code() {
            Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION => {
                StoreError::ReadOnly(e.to_string())
            }
            Some(c) if *c == SqlState::DISK_FULL || *c == SqlState::OUT_OF_MEMORY => {
                StoreError::Full(e.to_string())
            }
            _ => StoreError::Pg(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// `spec` as it may be shown in messages and logs: a URL's password hidden.
pub fn describe(spec: &str) -> String {
    if postgres::is_url(spec) {
        postgres::redact(spec)
    } else {
        spec.to_string()
    }
}

/// The directory of the embedded store named by `spec`; `None` when `spec`
/// names a PostgreSQL server. Files that live beside an embedded store (the
/// search index) go here.
pub fn embedded_dir(spec: &str) -> Option<&Path> {
    (!postgres::is_url(spec)).then(|| Path::new(spec))
}

/// Open the store named by `spec`: a `postgres://` or `postgresql://` URL
/// selects PostgreSQL, anything else is a directory for SQLite (created when
/// absent). Migrations run on open.
pub fn open(spec: &str) -> Result<Box<dyn Store + Send>> {
    if postgres::is_url(spec) {
        Ok(Box::new(postgres::PgStore::connect(spec)?))
    } else {
        Ok(Box::new(SqliteStore::open_dir(Path::new(spec))?))
    }
}

/// What happened to one document put into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Stored,
    /// A document with the same id was already there.
    AlreadyStored,
}

/// (story, document) rows ordered by story into one entry per story.
fn group_members(
    rows: impl Iterator<Item = Result<(String, String)>>,
) -> Result<Vec<(String, Vec<String>)>> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for row in rows {
        let (story, doc) = row?;
        match out.last_mut() {
            Some((s, docs)) if *s == story => docs.push(doc),
            _ => out.push((story, vec![doc])),
        }
    }
    Ok(out)
}

/// The meta keys a written grouping updates with its document count: the
/// grouping's own, and the last full clustering's when it clustered every
/// document again.
pub(crate) fn grouping_counts(from_scratch: bool) -> &'static [&'static str] {
    if from_scratch {
        &["grouping_documents", "full_grouping_documents"]
    } else {
        &["grouping_documents"]
    }
}

/// The system of record.
pub trait Store {
    /// Store documents in one transaction; returns one outcome per document.
    fn put_documents(&mut self, docs: &[Document]) -> Result<Vec<PutOutcome>>;
    fn has_document(&self, id: &str) -> Result<bool>;
    fn document(&self, id: &str) -> Result<Option<Document>>;
    /// Every document, ordered by id.
    fn documents(&self) -> Result<Vec<Document>>;
    fn count_documents(&self) -> Result<usize>;
    /// Replace the stored grouping with a new one, atomically.
    fn replace_grouping(&mut self, stories: &[Story], storylines: &[Storyline]) -> Result<()>;
    fn stories(&self) -> Result<Vec<Story>>;
    fn storylines(&self) -> Result<Vec<Storyline>>;

    /// Replace the stored grouping with one computed over the first
    /// `documents_seen` documents, unless the stored grouping was computed
    /// over more. Documents are only ever added, so a grouping over more
    /// documents is newer: when several workers ingest and regroup at once,
    /// the grouping that ends up stored is the one over the most documents,
    /// whatever order the workers finish in. `from_scratch` says the
    /// grouping clustered every document again (no stored story kept); it is
    /// then also recorded as the last full clustering
    /// ([`Store::full_grouping_documents`]) in the same transaction. Returns
    /// whether it was written.
    fn replace_grouping_from(
        &mut self,
        stories: &[Story],
        storylines: &[Storyline],
        documents_seen: usize,
        from_scratch: bool,
    ) -> Result<bool> {
        let _ = (documents_seen, from_scratch);
        self.replace_grouping(stories, storylines)?;
        Ok(true)
    }

    /// How many documents the stored grouping was computed over (None when
    /// unknown: no grouping stored, or written by `replace_grouping`).
    fn grouping_documents(&self) -> Result<Option<usize>> {
        Ok(None)
    }

    /// How many documents the store held when its stories were last
    /// clustered from scratch (None when unknown).
    fn full_grouping_documents(&self) -> Result<Option<usize>> {
        Ok(None)
    }

    /// Each stored story's id and the ids of its documents (copies
    /// included), in story order: what grouping keeps when it places new
    /// documents. This default decodes every story; backends override it
    /// with a query on the membership table.
    fn story_members(&self) -> Result<Vec<(String, Vec<String>)>> {
        Ok(self
            .stories()?
            .into_iter()
            .map(|s| {
                let docs = s
                    .documents
                    .into_iter()
                    .chain(s.duplicates.into_iter().flatten())
                    .collect();
                (s.id, docs)
            })
            .collect())
    }

    /// The ids of every stored document, ordered by id (used to keep the
    /// full-text index in step). This default decodes every document;
    /// backends override it with a query on ids alone.
    fn document_ids(&self) -> Result<Vec<String>> {
        Ok(self.documents()?.into_iter().map(|d| d.id).collect())
    }
}

/// SQLite migrations, in order; `PRAGMA user_version` records how many ran.
const SQLITE_MIGRATIONS: &[&str] = &[
    // 1: documents, stories, storylines.
    "CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY,
        path TEXT, url TEXT, title TEXT, publisher TEXT,
        published TEXT, published_estimated INTEGER NOT NULL DEFAULT 0,
        ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        body TEXT NOT NULL
     );
     CREATE INDEX IF NOT EXISTS documents_published ON documents(published);
     CREATE INDEX IF NOT EXISTS documents_publisher ON documents(publisher);
     CREATE TABLE IF NOT EXISTS stories (
        id TEXT PRIMARY KEY, storyline TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL
     );
     CREATE TABLE IF NOT EXISTS story_documents (
        story TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        document TEXT NOT NULL,
        PRIMARY KEY (story, document)
     );
     CREATE INDEX IF NOT EXISTS story_documents_document ON story_documents(document);
     CREATE TABLE IF NOT EXISTS storylines (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, body TEXT NOT NULL
     );",
    // 2: small key/value facts about the store (how many documents the
    // stored grouping covers).
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
];

const SCHEMA_VERSION: i64 = SQLITE_MIGRATIONS.len() as i64;

/// SQLite store in `DIR/dossier.sqlite`.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Open (creating when absent) the store in directory `dir`.
    pub fn open_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir {
            path: dir.display().to_string(),
            source,
        })?;
        Self::open(&dir.join("dossier.sqlite")).map_err(|e| match Self::unwritable(dir) {
            // SQLite reports a read-only directory as "unable to open".
            Some(why) => StoreError::ReadOnly(format!("{}: {why}", dir.display())),
            None => e,
        })
    }

    /// Why files cannot be created in `dir`, when they cannot.
    fn unwritable(dir: &Path) -> Option<std::io::Error> {
        let probe = dir.join(format!(".dossier-write-probe-{}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
        {
            Ok(_) => {
                let _ = std::fs::remove_file(&probe);
                None
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
            Err(e) => Some(e),
        }
    }

    /// Open (creating when absent) the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        let s = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        s.migrate()?;
        Ok(s)
    }

    /// Open an existing store in directory `dir` for reading only (a server
    /// beside the ingest workers, or a store on read-only media). Writes
    /// fail with [`StoreError::ReadOnly`]; no migration runs.
    pub fn open_dir_read_only(dir: &Path) -> Result<Self> {
        let path = dir.join("dossier.sqlite");
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Version {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(SqliteStore { conn, path })
    }

    /// Limit the database file to `pages` pages of the page size, so that a
    /// write past it fails as a full disk would ([`StoreError::Full`]). For
    /// tests of the full-disk path, and for deployments that cap the store.
    pub fn set_max_pages(&self, pages: u64) -> Result<()> {
        let _: i64 = self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })?;
        Ok(())
    }

    /// SQLite's own consistency check of the file (`PRAGMA integrity_check`):
    /// `Ok(())` when it reports "ok", the problems it lists otherwise.
    pub fn integrity_check(&self) -> Result<std::result::Result<(), Vec<String>>> {
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = st
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(if rows == ["ok"] { Ok(()) } else { Err(rows) })
    }

    /// An in-memory store, for tests and stateless runs.
    pub fn in_memory() -> Result<Self> {
        let s = SqliteStore {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
        };
        s.migrate()?;
        Ok(s)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL lets readers (the server) work while an ingest writes.
        let _: String = self
            .conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .unwrap_or_default();
        self.conn
            .execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")?;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Version {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in SQLITE_MIGRATIONS
            .iter()
            .enumerate()
            .skip(version.max(0) as usize)
        {
            // IMMEDIATE takes the write lock first, so two processes opening
            // a new store at once run each migration once, in order.
            let tx =
                rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if now <= i as i64 {
                tx.execute_batch(sql)?;
                tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// Delete the stored grouping and write `stories` and `storylines` in
    /// transaction `tx`.
    fn write_grouping(
        tx: &rusqlite::Transaction<'_>,
        stories: &[Story],
        storylines: &[Storyline],
    ) -> Result<()> {
        tx.execute_batch(
            "DELETE FROM story_documents; DELETE FROM stories; DELETE FROM storylines;",
        )?;
        {
            let mut ins_story = tx.prepare(
                "INSERT INTO stories (id, storyline, position, body) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut ins_member = tx.prepare(
                "INSERT OR IGNORE INTO story_documents (story, document) VALUES (?1, ?2)",
            )?;
            for (i, s) in stories.iter().enumerate() {
                let body = serde_json::to_string(s).map_err(|source| StoreError::Json {
                    id: s.id.clone(),
                    source,
                })?;
                ins_story.execute(params![s.id, s.storyline, i as i64, body])?;
                for d in s.documents.iter().chain(s.duplicates.iter().flatten()) {
                    ins_member.execute(params![s.id, d])?;
                }
            }
            let mut ins_line =
                tx.prepare("INSERT INTO storylines (id, position, body) VALUES (?1, ?2, ?3)")?;
            for (i, l) in storylines.iter().enumerate() {
                let body = serde_json::to_string(l).map_err(|source| StoreError::Json {
                    id: l.id.clone(),
                    source,
                })?;
                ins_line.execute(params![l.id, i as i64, body])?;
            }
        }
        Ok(())
    }

    fn decode<T: serde::de::DeserializeOwned>(id: &str, body: &str) -> Result<T> {
        serde_json::from_str(body).map_err(|source| StoreError::Json {
            id: id.to_string(),
            source,
        })
    }
}

impl Store for SqliteStore {
    fn document_ids(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare("SELECT id FROM documents ORDER BY id")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    fn put_documents(&mut self, docs: &[Document]) -> Result<Vec<PutOutcome>> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(docs.len());
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO documents (id, path, url, title, publisher, published, published_estimated, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for d in docs {
                let body = serde_json::to_string(d).map_err(|source| StoreError::Json {
                    id: d.id.clone(),
                    source,
                })?;
                let n = ins.execute(params![
                    d.id,
                    d.path,
                    d.url,
                    d.title,
                    d.publisher,
                    d.published,
                    d.published_estimated as i64,
                    body
                ])?;
                out.push(if n == 1 {
                    PutOutcome::Stored
                } else {
                    PutOutcome::AlreadyStored
                });
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn has_document(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM documents WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn document(&self, id: &str) -> Result<Option<Document>> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        body.map(|b| Self::decode(id, &b)).transpose()
    }

    fn documents(&self) -> Result<Vec<Document>> {
        let mut st = self
            .conn
            .prepare("SELECT id, body FROM documents ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push(Self::decode(&id, &body)?);
        }
        Ok(out)
    }

    fn count_documents(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM documents", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    fn replace_grouping(&mut self, stories: &[Story], storylines: &[Storyline]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM meta WHERE key = 'grouping_documents'", [])?;
        Self::write_grouping(&tx, stories, storylines)?;
        tx.commit()?;
        Ok(())
    }

    fn replace_grouping_from(
        &mut self,
        stories: &[Story],
        storylines: &[Storyline],
        documents_seen: usize,
        from_scratch: bool,
    ) -> Result<bool> {
        // IMMEDIATE: the check and the write happen under one write lock.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Option<i64> = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'grouping_documents'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if stored.is_some_and(|n| n > documents_seen as i64) {
            return Ok(false);
        }
        for key in grouping_counts(from_scratch) {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                rusqlite::params![key, documents_seen as i64],
            )?;
        }
        Self::write_grouping(&tx, stories, storylines)?;
        tx.commit()?;
        Ok(true)
    }

    fn grouping_documents(&self) -> Result<Option<usize>> {
        let n: Option<i64> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'grouping_documents'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(n.map(|n| n as usize))
    }

    fn full_grouping_documents(&self) -> Result<Option<usize>> {
        let n: Option<i64> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'full_grouping_documents'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(n.map(|n| n as usize))
    }

    fn story_members(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut st = self.conn.prepare(
            "SELECT s.id, m.document FROM stories s JOIN story_documents m ON m.story = s.id
             ORDER BY s.position, m.document",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        group_members(rows.map(|r| r.map_err(StoreError::from)))
    }

    fn stories(&self) -> Result<Vec<Story>> {
        let mut st = self
            .conn
            .prepare("SELECT id, body FROM stories ORDER BY position")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (id, body) = r?;
            Self::decode(&id, &body)
        })
        .collect()
    }

    fn storylines(&self) -> Result<Vec<Storyline>> {
        let mut st = self
            .conn
            .prepare("SELECT id, body FROM storylines ORDER BY position")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (id, body) = r?;
            Self::decode(&id, &body)
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            title: Some(format!("title {id}")),
            ..Default::default()
        }
    }

    #[test]
    fn documents_are_stored_once_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut s = SqliteStore::open_dir(dir.path()).unwrap();
            let out = s
                .put_documents(&[doc("b", "two"), doc("a", "one")])
                .unwrap();
            assert_eq!(out, vec![PutOutcome::Stored, PutOutcome::Stored]);
            let again = s
                .put_documents(&[doc("a", "one"), doc("c", "three")])
                .unwrap();
            assert_eq!(again, vec![PutOutcome::AlreadyStored, PutOutcome::Stored]);
        }
        let s = SqliteStore::open_dir(dir.path()).unwrap();
        assert_eq!(s.count_documents().unwrap(), 3);
        let ids: Vec<String> = s.documents().unwrap().into_iter().map(|d| d.id).collect();
        assert_eq!(ids, vec!["a", "b", "c"]);
        assert_eq!(s.document("b").unwrap().unwrap().text, "two");
        assert!(s.document("zz").unwrap().is_none());
        assert!(s.has_document("c").unwrap());
    }

    #[test]
    fn grouping_is_replaced_whole() {
        let mut s = SqliteStore::in_memory().unwrap();
        let story = |id: &str| Story {
            id: id.into(),
            title: id.into(),
            storyline: "L".into(),
            documents: vec!["a".into()],
            ..Default::default()
        };
        let line = Storyline {
            id: "L".into(),
            title: "line".into(),
            stories: vec!["s1".into()],
            ..Default::default()
        };
        s.replace_grouping(&[story("s1"), story("s2")], &[line.clone()])
            .unwrap();
        s.replace_grouping(&[story("s3")], &[line]).unwrap();
        let ids: Vec<String> = s.stories().unwrap().into_iter().map(|x| x.id).collect();
        assert_eq!(ids, vec!["s3"]);
        assert_eq!(s.storylines().unwrap().len(), 1);
    }

    #[test]
    fn full_store_is_a_clear_error_and_keeps_what_was_committed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open_dir(dir.path()).unwrap();
        s.put_documents(&[doc("a", "one")]).unwrap();
        let pages: i64 = s
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        s.set_max_pages(pages as u64 + 2).unwrap();
        let big: Vec<Document> = (0..50)
            .map(|i| doc(&format!("big{i}"), &"x".repeat(4000)))
            .collect();
        let err = s
            .put_documents(&big)
            .err()
            .expect("a batch larger than the space left fails");
        assert!(matches!(err, StoreError::Full(_)), "{err:?}");
        assert!(err.to_string().contains("full"), "{err}");
        drop(s);
        let s = SqliteStore::open_dir(dir.path()).unwrap();
        assert_eq!(
            s.count_documents().unwrap(),
            1,
            "the failed batch left nothing behind"
        );
        assert_eq!(s.integrity_check().unwrap(), Ok(()));
    }

    #[test]
    fn read_only_store_reads_and_refuses_writes_clearly() {
        let dir = tempfile::tempdir().unwrap();
        SqliteStore::open_dir(dir.path())
            .unwrap()
            .put_documents(&[doc("a", "one")])
            .unwrap();
        let mut ro = SqliteStore::open_dir_read_only(dir.path()).unwrap();
        assert_eq!(ro.count_documents().unwrap(), 1);
        let err = ro
            .put_documents(&[doc("b", "two")])
            .err()
            .expect("writing fails");
        assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
        assert!(err.to_string().contains("read-only"), "{err}");
        assert!(SqliteStore::open_dir_read_only(&dir.path().join("absent")).is_err());
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open_dir(dir.path()).unwrap();
        s.conn.execute_batch("PRAGMA user_version = 99").unwrap();
        drop(s);
        let err = SqliteStore::open_dir(dir.path()).err().unwrap();
        assert!(
            matches!(err, StoreError::Version { found: 99, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn unreadable_location_is_a_clear_error() {
        let err = SqliteStore::open_dir(Path::new("/proc/definitely/not/here"))
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("/proc/definitely/not/here"),
            "{err}"
        );
    }
}
