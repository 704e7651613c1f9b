//! Persistence for Dossier behind one trait, [`Store`]: documents with all
//! their annotations, and the grouping (stories, storylines) computed over
//! them. The embedded default is SQLite ([`SqliteStore`]) in one file under
//! the store directory.
//!
//! Writes are transactional per call: a crash halfway through a batch keeps
//! every document committed before it and nothing half-written. Putting a
//! document whose id is already stored changes nothing, so ingest is
//! idempotent.

use dossier_model::{Document, Story, Storyline};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    #[error("store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("store: corrupt record {id}: {source}")]
    Json { id: String, source: serde_json::Error },
    #[error("store directory {path}: {source}")]
    Dir { path: String, source: std::io::Error },
    #[error("store: schema version {found} is newer than this program ({supported})")]
    Version { found: i64, supported: i64 },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What happened to one document put into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Stored,
    /// A document with the same id was already there.
    AlreadyStored,
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
}

const SCHEMA_VERSION: i64 = 1;

/// SQLite store in `DIR/dossier.sqlite`.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Open (creating when absent) the store in directory `dir`.
    pub fn open_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir { path: dir.display().to_string(), source })?;
        Self::open(&dir.join("dossier.sqlite"))
    }

    /// Open (creating when absent) the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        let s = SqliteStore { conn, path: path.to_path_buf() };
        s.migrate()?;
        Ok(s)
    }

    /// An in-memory store, for tests and stateless runs.
    pub fn in_memory() -> Result<Self> {
        let s = SqliteStore { conn: Connection::open_in_memory()?, path: PathBuf::from(":memory:") };
        s.migrate()?;
        Ok(s)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL lets readers (the server) work while an ingest writes.
        let _: String = self.conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap_or_default();
        self.conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")?;
        let version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Version { found: version, supported: SCHEMA_VERSION });
        }
        if version < 1 {
            self.conn.execute_batch(
                "BEGIN;
                 CREATE TABLE IF NOT EXISTS documents (
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
                 );
                 PRAGMA user_version = 1;
                 COMMIT;",
            )?;
        }
        Ok(())
    }

    fn decode<T: serde::de::DeserializeOwned>(id: &str, body: &str) -> Result<T> {
        serde_json::from_str(body).map_err(|source| StoreError::Json { id: id.to_string(), source })
    }
}

impl Store for SqliteStore {
    fn put_documents(&mut self, docs: &[Document]) -> Result<Vec<PutOutcome>> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(docs.len());
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO documents (id, path, url, title, publisher, published, published_estimated, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for d in docs {
                let body = serde_json::to_string(d).map_err(|source| StoreError::Json { id: d.id.clone(), source })?;
                let n = ins.execute(params![d.id, d.path, d.url, d.title, d.publisher, d.published, d.published_estimated as i64, body])?;
                out.push(if n == 1 { PutOutcome::Stored } else { PutOutcome::AlreadyStored });
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn has_document(&self, id: &str) -> Result<bool> {
        Ok(self.conn.query_row("SELECT 1 FROM documents WHERE id = ?1", [id], |_| Ok(())).optional()?.is_some())
    }

    fn document(&self, id: &str) -> Result<Option<Document>> {
        let body: Option<String> =
            self.conn.query_row("SELECT body FROM documents WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        body.map(|b| Self::decode(id, &b)).transpose()
    }

    fn documents(&self) -> Result<Vec<Document>> {
        let mut st = self.conn.prepare("SELECT id, body FROM documents ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push(Self::decode(&id, &body)?);
        }
        Ok(out)
    }

    fn count_documents(&self) -> Result<usize> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get::<_, i64>(0))? as usize)
    }

    fn replace_grouping(&mut self, stories: &[Story], storylines: &[Storyline]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch("DELETE FROM story_documents; DELETE FROM stories; DELETE FROM storylines;")?;
        {
            let mut ins_story = tx.prepare("INSERT INTO stories (id, storyline, position, body) VALUES (?1, ?2, ?3, ?4)")?;
            let mut ins_member = tx.prepare("INSERT OR IGNORE INTO story_documents (story, document) VALUES (?1, ?2)")?;
            for (i, s) in stories.iter().enumerate() {
                let body = serde_json::to_string(s).map_err(|source| StoreError::Json { id: s.id.clone(), source })?;
                ins_story.execute(params![s.id, s.storyline, i as i64, body])?;
                for d in s.documents.iter().chain(s.duplicates.iter().flatten()) {
                    ins_member.execute(params![s.id, d])?;
                }
            }
            let mut ins_line = tx.prepare("INSERT INTO storylines (id, position, body) VALUES (?1, ?2, ?3)")?;
            for (i, l) in storylines.iter().enumerate() {
                let body = serde_json::to_string(l).map_err(|source| StoreError::Json { id: l.id.clone(), source })?;
                ins_line.execute(params![l.id, i as i64, body])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn stories(&self) -> Result<Vec<Story>> {
        let mut st = self.conn.prepare("SELECT id, body FROM stories ORDER BY position")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (id, body) = r?;
            Self::decode(&id, &body)
        })
        .collect()
    }

    fn storylines(&self) -> Result<Vec<Storyline>> {
        let mut st = self.conn.prepare("SELECT id, body FROM storylines ORDER BY position")?;
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
        Document { id: id.into(), text: text.into(), title: Some(format!("title {id}")), ..Default::default() }
    }

    #[test]
    fn documents_are_stored_once_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut s = SqliteStore::open_dir(dir.path()).unwrap();
            let out = s.put_documents(&[doc("b", "two"), doc("a", "one")]).unwrap();
            assert_eq!(out, vec![PutOutcome::Stored, PutOutcome::Stored]);
            let again = s.put_documents(&[doc("a", "one"), doc("c", "three")]).unwrap();
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
            id: id.into(), title: id.into(), storyline: "L".into(), documents: vec!["a".into()], duplicates: vec![],
            first_date: None, last_date: None, outlets: vec![], timeline: vec![], quotes: vec![], figures: vec![],
            labels: vec![], summary: vec![],
        };
        let line = Storyline { id: "L".into(), title: "line".into(), stories: vec!["s1".into()], figures: vec![] };
        s.replace_grouping(&[story("s1"), story("s2")], &[line.clone()]).unwrap();
        s.replace_grouping(&[story("s3")], &[line]).unwrap();
        let ids: Vec<String> = s.stories().unwrap().into_iter().map(|x| x.id).collect();
        assert_eq!(ids, vec!["s3"]);
        assert_eq!(s.storylines().unwrap().len(), 1);
    }

    #[test]
    fn unreadable_location_is_a_clear_error() {
        let err = SqliteStore::open_dir(Path::new("/proc/definitely/not/here")).err().unwrap();
        assert!(err.to_string().contains("/proc/definitely/not/here"), "{err}");
    }
}
