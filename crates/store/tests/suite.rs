//! The store test suite, run against every backend: SQLite always, and
//! PostgreSQL when `DOSSIER_TEST_PG` holds a URL (`scripts/pg/start.sh`
//! starts a server and prints it); without it the PostgreSQL half is skipped
//! with a message. Each PostgreSQL test works in a schema of its own, dropped
//! at the end, so tests run in parallel.

use dossier_model::{Document, EntityMention, Story, Storyline};
use dossier_store::postgres::PgStore;
use dossier_store::{PutOutcome, SqliteStore, Store, StoreError};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One backend under test: how to open (and reopen) the same store.
struct Backend {
    name: &'static str,
    open: Box<dyn Fn() -> Box<dyn Store + Send> + Send + Sync>,
    _cleanup: Option<SchemaGuard>,
    _dir: Option<tempfile::TempDir>,
}

/// Drops the test's PostgreSQL schema.
struct SchemaGuard {
    url: String,
    schema: String,
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

fn pg_url() -> Option<String> {
    match std::env::var("DOSSIER_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            eprintln!("skipped PostgreSQL: DOSSIER_TEST_PG is unset (eval \"$(scripts/pg/start.sh)\" sets it)");
            None
        }
    }
}

/// A fresh store in a schema of its own, as a URL.
fn pg_schema(base: &str, test: &str) -> (String, SchemaGuard) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let schema = format!(
        "t_{}_{}_{}",
        test,
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut c = postgres::Client::connect(base, postgres::NoTls).expect("DOSSIER_TEST_PG connects");
    c.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ))
    .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    (
        url,
        SchemaGuard {
            url: base.to_string(),
            schema,
        },
    )
}

fn backends(test: &str) -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let mut out = vec![Backend {
        name: "sqlite",
        open: Box::new(move || Box::new(SqliteStore::open_dir(&path).expect("sqlite opens"))),
        _cleanup: None,
        _dir: Some(dir),
    }];
    if let Some(base) = pg_url() {
        let (url, guard) = pg_schema(&base, test);
        out.push(Backend {
            name: "postgres",
            open: Box::new(move || Box::new(PgStore::connect(&url).expect("postgres opens"))),
            _cleanup: Some(guard),
            _dir: None,
        });
    }
    out
}

fn doc(id: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        text: text.into(),
        title: Some(format!("title {id}")),
        ..Default::default()
    }
}

fn story(id: &str, docs: &[&str]) -> Story {
    Story {
        id: id.into(),
        title: id.into(),
        storyline: "L".into(),
        documents: docs.iter().map(|d| d.to_string()).collect(),
        ..Default::default()
    }
}

fn ids(docs: &[Document]) -> Vec<String> {
    docs.iter().map(|d| d.id.clone()).collect()
}

#[test]
fn documents_are_stored_once_and_survive_reopening() {
    for b in backends("once") {
        {
            let mut s = (b.open)();
            assert_eq!(s.put_documents(&[]).unwrap(), vec![], "{}", b.name);
            let out = s
                .put_documents(&[doc("b", "two"), doc("a", "one")])
                .unwrap();
            assert_eq!(
                out,
                vec![PutOutcome::Stored, PutOutcome::Stored],
                "{}",
                b.name
            );
            let again = s
                .put_documents(&[doc("a", "one"), doc("c", "three"), doc("c", "three")])
                .unwrap();
            assert_eq!(
                again,
                vec![
                    PutOutcome::AlreadyStored,
                    PutOutcome::Stored,
                    PutOutcome::AlreadyStored
                ],
                "{}",
                b.name
            );
        }
        let s = (b.open)();
        assert_eq!(s.count_documents().unwrap(), 3, "{}", b.name);
        assert_eq!(
            ids(&s.documents().unwrap()),
            vec!["a", "b", "c"],
            "{}",
            b.name
        );
        assert_eq!(s.document("b").unwrap().unwrap().text, "two", "{}", b.name);
        assert!(s.document("zz").unwrap().is_none(), "{}", b.name);
        assert!(s.has_document("c").unwrap(), "{}", b.name);
        assert!(!s.has_document("d").unwrap(), "{}", b.name);
    }
}

#[test]
fn documents_round_trip_whole_and_in_byte_order() {
    for b in backends("trip") {
        let mut s = (b.open)();
        let text = "“We will not back down,” said Zoë Ångström, 41.\u{a0}Talks resume\u{2011}Monday. Nul:\0end";
        let mut d = doc("é-1", text);
        d.title = Some("Ångström\0 speaks".into());
        d.publisher = Some("The Gazette".into());
        d.published = Some("2024-03-05".into());
        let (start, end) = (text.find("Zoë").unwrap(), text.find(", 41").unwrap());
        d.entities.push(EntityMention {
            start,
            end,
            text: text[start..end].to_string(),
            label: dossier_model::EntityLabel::Person,
            canonical: "Zoë Ångström".into(),
            role: None,
        });
        let docs = vec![
            d.clone(),
            doc("Z", "upper"),
            doc("a", "lower"),
            doc("B", "upper"),
        ];
        s.put_documents(&docs).unwrap();
        assert_eq!(
            s.document("é-1").unwrap().as_ref(),
            Some(&d),
            "{}: every field survives",
            b.name
        );
        // Byte order: uppercase before lowercase before non-ASCII.
        assert_eq!(
            ids(&s.documents().unwrap()),
            vec!["B", "Z", "a", "é-1"],
            "{}",
            b.name
        );
    }
}

#[test]
fn grouping_is_replaced_whole() {
    for b in backends("group") {
        let mut s = (b.open)();
        let line = Storyline {
            id: "L".into(),
            title: "line".into(),
            stories: vec!["s1".into()],
            ..Default::default()
        };
        s.replace_grouping(&[story("s1", &["a"]), story("s2", &["b"])], &[line.clone()])
            .unwrap();
        assert_eq!(s.stories().unwrap().len(), 2, "{}", b.name);
        s.replace_grouping(&[story("s3", &["a", "b"])], &[line.clone()])
            .unwrap();
        let got = s.stories().unwrap();
        assert_eq!(
            got.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
            vec!["s3"],
            "{}",
            b.name
        );
        assert_eq!(got[0].documents, vec!["a", "b"], "{}", b.name);
        assert_eq!(s.storylines().unwrap(), vec![line], "{}", b.name);
        assert_eq!(s.grouping_documents().unwrap(), None, "{}", b.name);
    }
}

#[test]
fn a_grouping_over_fewer_documents_never_replaces_a_newer_one() {
    for b in backends("newer") {
        let mut s = (b.open)();
        assert!(
            s.replace_grouping_from(&[story("s5", &["a"])], &[], 5, true)
                .unwrap(),
            "{}",
            b.name
        );
        assert!(
            !s.replace_grouping_from(&[story("s3", &["a"])], &[], 3, true)
                .unwrap(),
            "{}: stale",
            b.name
        );
        assert_eq!(s.stories().unwrap()[0].id, "s5", "{}", b.name);
        assert!(
            s.replace_grouping_from(&[story("s5b", &["a"])], &[], 5, false)
                .unwrap(),
            "{}: same count",
            b.name
        );
        assert!(
            s.replace_grouping_from(&[story("s7", &["a"])], &[], 7, false)
                .unwrap(),
            "{}",
            b.name
        );
        drop(s);
        let s = (b.open)();
        assert_eq!(s.grouping_documents().unwrap(), Some(7), "{}", b.name);
        assert_eq!(s.stories().unwrap()[0].id, "s7", "{}", b.name);
        // Only the written full clustering counts as one: the stale one
        // (over 3) was refused whole, the later ones kept stored stories.
        assert_eq!(s.full_grouping_documents().unwrap(), Some(5), "{}", b.name);
    }
}

/// Several handles (as several worker processes would) put overlapping
/// batches in different orders at once: every document is stored exactly
/// once, and exactly one put reports it as newly stored.
#[test]
fn concurrent_writers_store_each_document_exactly_once() {
    for b in backends("conc") {
        let all: Vec<Document> = (0..120)
            .map(|i| doc(&format!("d{i:03}"), &format!("text {i}")))
            .collect();
        let stored = AtomicUsize::new(0);
        // Open (and migrate) at the same moment too.
        std::thread::scope(|scope| {
            for w in 0..4usize {
                let (all, stored, open) = (&all, &stored, &b.open);
                scope.spawn(move || {
                    let mut s = open();
                    // Worker w takes 3 of every 4 documents, in its own order.
                    let mut mine: Vec<Document> = all
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 4 != w)
                        .map(|(_, d)| d.clone())
                        .collect();
                    if w % 2 == 1 {
                        mine.reverse();
                    }
                    for chunk in mine.chunks(7) {
                        let out = s
                            .put_documents(chunk)
                            .expect("put succeeds under contention");
                        stored.fetch_add(
                            out.iter().filter(|o| **o == PutOutcome::Stored).count(),
                            Ordering::SeqCst,
                        );
                    }
                    let docs = s.documents().unwrap();
                    s.replace_grouping_from(
                        &[story(&format!("w{w}"), &["d000"])],
                        &[],
                        docs.len(),
                        false,
                    )
                    .unwrap();
                });
            }
        });
        let s = (b.open)();
        assert_eq!(
            stored.load(Ordering::SeqCst),
            all.len(),
            "{}: one Stored per document",
            b.name
        );
        assert_eq!(s.count_documents().unwrap(), all.len(), "{}", b.name);
        assert_eq!(ids(&s.documents().unwrap()), ids(&all), "{}", b.name);
        assert_eq!(
            s.stories().unwrap().len(),
            1,
            "{}: one grouping, not a mixture",
            b.name
        );
    }
}

#[test]
fn migrations_run_once_and_a_newer_schema_is_refused() {
    for b in backends("migr") {
        for _ in 0..3 {
            let mut s = (b.open)();
            s.put_documents(&[doc("a", "one")]).unwrap();
        }
        assert_eq!((b.open)().count_documents().unwrap(), 1, "{}", b.name);
    }
    if let Some(base) = pg_url() {
        let (url, _g) = pg_schema(&base, "newer");
        let s = PgStore::connect(&url).unwrap();
        assert_eq!(s.schema_version().unwrap(), 1);
        drop(s);
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("INSERT INTO dossier_migrations (version) VALUES (99)")
            .unwrap();
        let err = PgStore::connect(&url).err().expect("refused");
        assert!(
            matches!(err, StoreError::Version { found: 99, .. }),
            "{err:?}"
        );
    }
}

#[test]
fn read_only_database_is_a_clear_error() {
    let Some(base) = pg_url() else { return };
    let (url, _g) = pg_schema(&base, "ro");
    PgStore::connect(&url)
        .unwrap()
        .put_documents(&[doc("a", "one")])
        .unwrap();
    let ro_url = format!("{url}%20-cdefault_transaction_read_only%3Don");
    let mut ro = PgStore::connect(&ro_url).expect("an up-to-date store opens read-only");
    assert_eq!(ro.count_documents().unwrap(), 1);
    let err = ro
        .put_documents(&[doc("b", "two")])
        .err()
        .expect("writing fails");
    assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
    assert_eq!(
        PgStore::connect(&url).unwrap().count_documents().unwrap(),
        1
    );
}

#[test]
fn open_picks_the_backend_from_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = dossier_store::open(dir.path().join("sub").to_str().unwrap()).unwrap();
    s.put_documents(&[doc("a", "one")]).unwrap();
    assert!(dir.path().join("sub/dossier.sqlite").is_file());
    let err = dossier_store::open("postgres://nobody@127.0.0.1:1/x?connect_timeout=2")
        .err()
        .expect("no server on port 1");
    assert!(err.to_string().contains("PostgreSQL"), "{err}");
    if let Some(base) = pg_url() {
        let (url, _g) = pg_schema(&base, "open");
        let mut s = dossier_store::open(&url).unwrap();
        s.put_documents(&[doc("a", "one")]).unwrap();
        assert_eq!(s.count_documents().unwrap(), 1);
    }
}

#[test]
fn story_members_list_documents_and_copies_in_story_order() {
    for b in backends("members") {
        let mut s = (b.open)();
        let mut with_copies = story("s2", &["c", "a"]);
        with_copies.duplicates = vec![vec!["a".into(), "a2".into(), "a3".into()]];
        s.replace_grouping(
            &[story("s9", &["z"]), with_copies, story("s1", &["b"])],
            &[],
        )
        .unwrap();
        let got = s.story_members().unwrap();
        assert_eq!(
            got,
            vec![
                ("s9".to_string(), vec!["z".to_string()]),
                (
                    "s2".to_string(),
                    ["a", "a2", "a3", "c"].map(String::from).to_vec()
                ),
                ("s1".to_string(), vec!["b".to_string()]),
            ],
            "{}",
            b.name
        );
    }
}
