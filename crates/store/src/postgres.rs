//! PostgreSQL backend for shared deployments: several ingest workers, a
//! feed watcher and the web server on one database.
//!
//! The layout follows the SQLite store: each document is one row whose
//! `body` holds the whole annotated document as JSON (`text`, not `jsonb`:
//! `jsonb` rejects the `\u0000` escape that a document's text may need),
//! beside a few columns copied out of it for filtering. Stories and
//! storylines are replaced whole, in one transaction.
//!
//! Concurrency: `INSERT .. ON CONFLICT DO NOTHING` makes a document stored
//! exactly once however many workers put it at the same moment; grouping
//! writes and migrations take a transaction-scoped advisory lock, keyed by
//! the schema, so they run one at a time. A store can live in its own schema:
//! put `options=-csearch_path%3Dname` in the URL (the schema must exist).

use crate::{PutOutcome, Result, Store, StoreError};
use dossier_model::{Document, Story, Storyline};
use postgres::{Client, NoTls, Transaction};
use std::sync::Mutex;

/// Advisory lock namespace (first key) for this program; the second key is
/// a hash of the current schema, so stores in different schemas of one
/// database do not wait on each other.
const LOCK_NS: i32 = 0x00d0_551e;
const LOCK_MIGRATE: &str =
    "SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || ':migrate'))";
const LOCK_GROUPING: &str =
    "SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || ':grouping'))";

/// Versioned migrations, in order; the table `dossier_migrations` records
/// which ran. Never edit one that has shipped: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: documents, stories, storylines, facts about the store.
    "CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL NOT NULL,
        path TEXT, url TEXT, title TEXT, publisher TEXT,
        published TEXT, published_estimated BOOLEAN NOT NULL DEFAULT FALSE,
        ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        body TEXT NOT NULL
     );
     CREATE INDEX documents_published ON documents(published);
     CREATE INDEX documents_publisher ON documents(publisher);
     CREATE TABLE stories (
        id TEXT PRIMARY KEY, storyline TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL
     );
     CREATE TABLE story_documents (
        story TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        document TEXT NOT NULL,
        PRIMARY KEY (story, document)
     );
     CREATE INDEX story_documents_document ON story_documents(document);
     CREATE TABLE storylines (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, body TEXT NOT NULL
     );
     CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);",
];

/// Whether `spec` names a PostgreSQL database rather than a directory.
pub fn is_url(spec: &str) -> bool {
    let lower = spec.get(..13).unwrap_or(spec).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// PostgreSQL store. One connection, behind a mutex so that the read
/// methods of [`Store`] (which take `&self`) can use it; open one store per
/// worker thread for parallel access.
pub struct PgStore {
    client: Mutex<Client>,
    url: String,
}

/// PostgreSQL refuses NUL characters in `text`; the columns copied out of a
/// document for filtering drop them (the JSON body keeps them escaped).
fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| {
        if s.contains('\0') {
            s.replace('\0', "")
        } else {
            s.clone()
        }
    })
}

fn decode<T: serde::de::DeserializeOwned>(id: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|source| StoreError::Json {
        id: id.to_string(),
        source,
    })
}

fn encode<T: serde::Serialize>(id: &str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|source| StoreError::Json {
        id: id.to_string(),
        source,
    })
}

impl PgStore {
    /// Connect to `url` (`postgres://user@host:port/db`) and run the
    /// migrations this program knows that the database has not run yet.
    pub fn connect(url: &str) -> Result<Self> {
        let client = Client::connect(url, NoTls)?;
        let s = PgStore {
            client: Mutex::new(client),
            url: redact(url),
        };
        s.migrate()?;
        Ok(s)
    }

    /// The URL connected to, without its password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The migrations applied, as recorded in the database.
    pub fn schema_version(&self) -> Result<i64> {
        let mut c = self.lock();
        Ok(c.query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM dossier_migrations",
            &[],
        )?
        .get(0))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Client> {
        // A panic while holding the lock leaves the connection usable (every
        // write is one transaction, rolled back when dropped).
        self.client.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self) -> Result<()> {
        let mut c = self.lock();
        let known = MIGRATIONS.len() as i64;
        // Up to date already? Then write nothing, so that a read-only
        // connection (a replica, a read-only role) can open the store.
        let row = c.query_one("SELECT to_regclass('dossier_migrations') IS NOT NULL", &[])?;
        if row.get::<_, bool>(0) {
            let done: i64 = c
                .query_one(
                    "SELECT COALESCE(MAX(version), 0)::BIGINT FROM dossier_migrations",
                    &[],
                )?
                .get(0);
            if done > known {
                return Err(StoreError::Version {
                    found: done,
                    supported: known,
                });
            }
            if done == known {
                return Ok(());
            }
        }
        let mut tx = c.transaction()?;
        tx.execute(LOCK_MIGRATE, &[&LOCK_NS])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS dossier_migrations (
                version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )?;
        let done: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM dossier_migrations",
                &[],
            )?
            .get(0);
        if done > known {
            return Err(StoreError::Version {
                found: done,
                supported: known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO dossier_migrations (version) VALUES ($1)",
                &[&(i as i64 + 1)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn write_grouping(
        tx: &mut Transaction<'_>,
        stories: &[Story],
        storylines: &[Storyline],
    ) -> Result<()> {
        tx.batch_execute(
            "DELETE FROM story_documents; DELETE FROM stories; DELETE FROM storylines;",
        )?;
        let ins_story = tx.prepare(
            "INSERT INTO stories (id, storyline, position, body) VALUES ($1, $2, $3, $4)",
        )?;
        let ins_member = tx.prepare(
            "INSERT INTO story_documents (story, document) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )?;
        for (i, s) in stories.iter().enumerate() {
            let body = encode(&s.id, s)?;
            tx.execute(&ins_story, &[&s.id, &s.storyline, &(i as i32), &body])?;
            for d in s.documents.iter().chain(s.duplicates.iter().flatten()) {
                tx.execute(&ins_member, &[&s.id, d])?;
            }
        }
        let ins_line =
            tx.prepare("INSERT INTO storylines (id, position, body) VALUES ($1, $2, $3)")?;
        for (i, l) in storylines.iter().enumerate() {
            let body = encode(&l.id, l)?;
            tx.execute(&ins_line, &[&l.id, &(i as i32), &body])?;
        }
        Ok(())
    }

    fn bodies<T: serde::de::DeserializeOwned>(&self, sql: &str) -> Result<Vec<T>> {
        let mut c = self.lock();
        let rows = c.query(sql, &[])?;
        rows.iter()
            .map(|r| decode(r.get::<_, &str>(0), r.get::<_, &str>(1)))
            .collect()
    }
}

/// Create (afresh) schema `schema` in the database at `base` and return a URL
/// that opens the store inside it. For tests and for several stores in one
/// database. `schema` must be a plain identifier (letters, digits, `_`).
pub fn fresh_schema(base: &str, schema: &str) -> Result<String> {
    if schema.is_empty()
        || !schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(StoreError::Spec(format!(
            "schema name {schema:?} is not a plain identifier"
        )));
    }
    let mut c = Client::connect(base, NoTls)?;
    c.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ))?;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{sep}options=-csearch_path%3D{schema}"))
}

/// Drop schema `schema` (made by [`fresh_schema`]) and all it holds.
pub fn drop_schema(base: &str, schema: &str) -> Result<()> {
    if !schema
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(StoreError::Spec(format!(
            "schema name {schema:?} is not a plain identifier"
        )));
    }
    let mut c = Client::connect(base, NoTls)?;
    c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    Ok(())
}

/// `url` with any password replaced, for messages.
pub fn redact(url: &str) -> String {
    // postgres://user:password@host/...: hide what lies between ':' and '@'
    // in the authority part.
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}:***{}",
                &url[..scheme_end + 3],
                &authority[..colon],
                &rest[at..]
            )
        }
        _ => url.to_string(),
    }
}

impl Store for PgStore {
    fn put_documents(&mut self, docs: &[Document]) -> Result<Vec<PutOutcome>> {
        let mut c = self.lock();
        let mut tx = c.transaction()?;
        let ins = tx.prepare(
            "INSERT INTO documents (id, path, url, title, publisher, published, published_estimated, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        )?;
        // Insert in id order: two workers putting overlapping batches then
        // take the row locks in the same order and cannot deadlock.
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by(|&a, &b| docs[a].id.cmp(&docs[b].id));
        let mut out = vec![PutOutcome::AlreadyStored; docs.len()];
        for i in order {
            let d = &docs[i];
            let body = encode(&d.id, d)?;
            let n = tx.execute(
                &ins,
                &[
                    &d.id.replace('\0', ""),
                    &clean(&d.path),
                    &clean(&d.url),
                    &clean(&d.title),
                    &clean(&d.publisher),
                    &clean(&d.published),
                    &d.published_estimated,
                    &body,
                ],
            )?;
            out[i] = if n == 1 {
                PutOutcome::Stored
            } else {
                PutOutcome::AlreadyStored
            };
        }
        tx.commit()?;
        Ok(out)
    }

    fn has_document(&self, id: &str) -> Result<bool> {
        let mut c = self.lock();
        Ok(c.query_opt(
            "SELECT 1 FROM documents WHERE id = $1",
            &[&id.replace('\0', "")],
        )?
        .is_some())
    }

    fn document(&self, id: &str) -> Result<Option<Document>> {
        let mut c = self.lock();
        let row = c.query_opt(
            "SELECT body FROM documents WHERE id = $1",
            &[&id.replace('\0', "")],
        )?;
        row.map(|r| decode(id, r.get::<_, &str>(0))).transpose()
    }

    fn documents(&self) -> Result<Vec<Document>> {
        // COLLATE "C": byte order, the order SQLite gives, whatever the
        // database's locale.
        self.bodies(r#"SELECT id, body FROM documents ORDER BY id COLLATE "C""#)
    }

    fn count_documents(&self) -> Result<usize> {
        let mut c = self.lock();
        Ok(c.query_one("SELECT COUNT(*) FROM documents", &[])?
            .get::<_, i64>(0) as usize)
    }

    fn replace_grouping(&mut self, stories: &[Story], storylines: &[Storyline]) -> Result<()> {
        let mut c = self.lock();
        let mut tx = c.transaction()?;
        tx.execute(LOCK_GROUPING, &[&LOCK_NS])?;
        tx.execute("DELETE FROM meta WHERE key = 'grouping_documents'", &[])?;
        Self::write_grouping(&mut tx, stories, storylines)?;
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
        let mut c = self.lock();
        let mut tx = c.transaction()?;
        // Under the lock, each statement below sees every grouping committed
        // before it (READ COMMITTED takes a new snapshot per statement).
        tx.execute(LOCK_GROUPING, &[&LOCK_NS])?;
        let stored: Option<i64> = tx
            .query_opt(
                "SELECT value FROM meta WHERE key = 'grouping_documents'",
                &[],
            )?
            .map(|r| r.get(0));
        if stored.is_some_and(|n| n > documents_seen as i64) {
            return Ok(false);
        }
        for key in crate::grouping_counts(from_scratch) {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[key, &(documents_seen as i64)],
            )?;
        }
        Self::write_grouping(&mut tx, stories, storylines)?;
        tx.commit()?;
        Ok(true)
    }

    fn grouping_documents(&self) -> Result<Option<usize>> {
        let mut c = self.lock();
        let row = c.query_opt(
            "SELECT value FROM meta WHERE key = 'grouping_documents'",
            &[],
        )?;
        Ok(row.map(|r| r.get::<_, i64>(0) as usize))
    }

    fn stories(&self) -> Result<Vec<Story>> {
        self.bodies("SELECT id, body FROM stories ORDER BY position")
    }

    fn full_grouping_documents(&self) -> Result<Option<usize>> {
        let mut c = self.lock();
        let row = c.query_opt(
            "SELECT value FROM meta WHERE key = 'full_grouping_documents'",
            &[],
        )?;
        Ok(row.map(|r| r.get::<_, i64>(0) as usize))
    }

    fn story_members(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut c = self.lock();
        let rows = c.query(
            "SELECT s.id, m.document FROM stories s JOIN story_documents m ON m.story = s.id
             ORDER BY s.position, m.document",
            &[],
        )?;
        crate::group_members(
            rows.iter()
                .map(|r| Ok((r.get::<_, String>(0), r.get::<_, String>(1)))),
        )
    }

    fn storylines(&self) -> Result<Vec<Storyline>> {
        self.bodies("SELECT id, body FROM storylines ORDER BY position")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_directories() {
        assert!(is_url("postgres://u@127.0.0.1:5432/db"));
        assert!(is_url("PostgreSQL://u@h/db"));
        assert!(!is_url("dossier-data"));
        assert!(!is_url("./postgres/data"));
        assert!(!is_url("pg"));
        assert!(
            !is_url("é/ü"),
            "non-ASCII paths are directories, and do not panic"
        );
    }

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(
            redact("postgres://ann:s3cret@db:5432/x"),
            "postgres://ann:***@db:5432/x"
        );
        assert_eq!(redact("postgres://ann@db/x"), "postgres://ann@db/x");
        assert_eq!(redact("postgres://db/x?user=a"), "postgres://db/x?user=a");
    }

    #[test]
    fn unreachable_server_is_a_clear_error() {
        // Port 1 on loopback: nothing listens there.
        let err = PgStore::connect("postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
            .err()
            .expect("fails");
        assert!(err.to_string().contains("PostgreSQL"), "{err}");
    }
}
