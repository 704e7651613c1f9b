//! Reliability of the store under the `dossier` binary: several ingest
//! processes at once over overlapping inputs, ingests killed with SIGKILL at
//! random points and restarted, a full disk and a read-only store. Each runs
//! on SQLite, and on PostgreSQL too when `DOSSIER_TEST_PG` holds a URL
//! (`eval "$(scripts/pg/start.sh)"`).
//!
//! The crash test makes `DOSSIER_CRASH_RUNS` kills (default 4; the longer
//! run in docs/RELIABILITY.md uses more), at times drawn from
//! `DOSSIER_CRASH_SEED` (default: the clock; the seed is printed so a
//! failure can be replayed).

use dossier_store::{SqliteStore, Store};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dossier"));
    c.arg("--threads").arg("1");
    c
}

/// Small deterministic generator for the corpus and the kill times.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const PEOPLE: &[&str] = &[
    "Maria Lopez",
    "Ahmed Karimi",
    "Zoë Ångström",
    "John Carter",
    "Li Wei",
    "Anna Novak",
    "Kwame Mensah",
];
const ORGS: &[&str] = &[
    "the city council",
    "the Ministry of Health",
    "Northwind Rail",
    "the port authority",
    "the teachers' union",
];
const PLACES: &[&str] = &[
    "Lisbon",
    "Nairobi",
    "Gdańsk",
    "Ottawa",
    "Chennai",
    "Valparaíso",
];
const OUTLETS: &[&str] = &["The Gazette", "Daily Ledger", "Coastal Times", "Metro Wire"];

/// `n` distinct short news reports as plain-text files in `dir`.
fn corpus(dir: &Path, n: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let mut r = Rng(0x5eed_1234_abcd_0001);
    let mut pick = |xs: &[&'static str]| xs[r.below(xs.len() as u64) as usize];
    (0..n)
        .map(|i| {
            let (who, org, place, outlet) = (pick(PEOPLE), pick(ORGS), pick(PLACES), pick(OUTLETS));
            let amount = 3 + i * 7 % 90;
            let text = format!(
                "{org_cap} approves {amount} million plan for {place}\n\n\
                 By {who}, {outlet}\n\n\
                 {place_cap}, March {day} — {org_cap} on Tuesday approved a plan worth {amount} million euros, \
                 report number {i}, after weeks of debate.\n\n\
                 “This is the largest investment in a decade,” said {who}, who has followed the talks since {year}.\n\n\
                 The vote passed {yes} to {no}. Critics said the cost had risen by {pct}% since the first estimate.\n",
                org_cap = capitalise(org),
                place_cap = place,
                day = 1 + i % 28,
                year = 2000 + i % 24,
                yes = 10 + i % 15,
                no = i % 9,
                pct = 5 + i % 40,
            );
            let path = dir.join(format!("report-{i:04}.txt"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The document ids `dossier analyze` derives from `paths`.
fn expected_ids(paths: &[PathBuf]) -> BTreeSet<String> {
    let out = bin()
        .arg("analyze")
        .args(paths)
        .output()
        .expect("analyze runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// A store under test: a SQLite directory or a PostgreSQL schema.
struct TestStore {
    spec: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg {
            let _ = dossier_store::postgres::drop_schema(base, schema);
        }
    }
}

impl TestStore {
    fn open(&self) -> Box<dyn Store + Send> {
        dossier_store::open(&self.spec).expect("store opens")
    }
}

fn stores(test: &str) -> Vec<TestStore> {
    let dir = tempfile::tempdir().unwrap();
    let mut out = vec![TestStore {
        spec: dir.path().join("store").display().to_string(),
        _dir: Some(dir),
        pg: None,
    }];
    match std::env::var("DOSSIER_TEST_PG") {
        Ok(base) if !base.is_empty() => {
            let schema = format!("cli_{test}_{}", std::process::id());
            let spec = dossier_store::postgres::fresh_schema(&base, &schema).expect("DOSSIER_TEST_PG connects");
            out.push(TestStore { spec, _dir: None, pg: Some((base, schema)) });
        }
        _ => eprintln!("skipped PostgreSQL: DOSSIER_TEST_PG is unset (eval \"$(scripts/pg/start.sh)\" sets it)"),
    }
    out
}

/// Every document stored exactly once, the grouping computed over all of
/// them and covering each of them, and (SQLite) the file intact.
fn check_store(s: &TestStore, want: &BTreeSet<String>) {
    let st = s.open();
    let docs = st.documents().unwrap();
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(
        ids.len(),
        unique.len(),
        "{}: a document is stored twice",
        s.spec
    );
    assert_eq!(&unique, want, "{}: lost or unexpected documents", s.spec);
    assert_eq!(st.count_documents().unwrap(), want.len(), "{}", s.spec);
    assert_eq!(
        st.grouping_documents().unwrap(),
        Some(want.len()),
        "{}: the grouping is over every document",
        s.spec
    );
    let mut grouped = BTreeSet::new();
    for story in st.stories().unwrap() {
        for d in story
            .documents
            .iter()
            .chain(story.duplicates.iter().flatten())
        {
            assert!(
                want.contains(d),
                "{}: story {} names unknown document {d}",
                s.spec,
                story.id
            );
            grouped.insert(d.clone());
        }
    }
    assert_eq!(&grouped, want, "{}: every document is in a story", s.spec);
    if s.pg.is_none() {
        let lite = SqliteStore::open_dir(Path::new(&s.spec)).unwrap();
        assert_eq!(lite.integrity_check().unwrap(), Ok(()), "{}", s.spec);
    }
}

fn ingest(spec: &str, paths: &[PathBuf]) -> Command {
    let mut c = bin();
    c.arg("ingest")
        .args(paths)
        .arg("--store")
        .arg(spec)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

#[test]
fn concurrent_ingests_over_overlapping_inputs_lose_and_duplicate_nothing() {
    let work = tempfile::tempdir().unwrap();
    let files = corpus(&work.path().join("in"), 90);
    let want = expected_ids(&files);
    assert_eq!(want.len(), files.len(), "the corpus has distinct reports");
    for s in stores("conc") {
        // Four workers, each over two thirds of the inputs, in its own order.
        let children: Vec<_> = (0..4usize)
            .map(|w| {
                let mut mine: Vec<PathBuf> = files
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 3 != w % 3)
                    .map(|(_, f)| f.clone())
                    .collect();
                if w % 2 == 1 {
                    mine.reverse();
                }
                ingest(&s.spec, &mine).spawn().expect("ingest starts")
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                s.spec,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        check_store(&s, &want);
    }
}

#[test]
fn ingest_killed_at_random_points_resumes_without_loss_or_duplicates() {
    let runs: usize = std::env::var("DOSSIER_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let seed: u64 = std::env::var("DOSSIER_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test: {runs} kills, DOSSIER_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let work = tempfile::tempdir().unwrap();
    // Kills land before, inside and after the batch's transaction, and
    // between storing the documents and storing their grouping.
    let files = corpus(&work.path().join("in"), 60);
    let want = expected_ids(&files);
    for s in stores("crash") {
        // How long a whole ingest takes here, to spread the kills over it.
        let reference = tempfile::tempdir().unwrap();
        let t = Instant::now();
        let out = ingest(reference.path().to_str().unwrap(), &files)
            .output()
            .unwrap();
        assert!(out.status.success());
        let full = t.elapsed().as_millis() as u64;
        let mut killed_midway = 0;
        for _ in 0..runs {
            let mut child = ingest(&s.spec, &files).spawn().unwrap();
            std::thread::sleep(Duration::from_millis(rng.below(full + full / 4)));
            if child.try_wait().unwrap().is_none() {
                killed_midway += 1;
            }
            // Child::kill sends SIGKILL on Unix.
            let _ = child.kill();
            let _ = child.wait();
            // After each kill the store opens and holds no document twice.
            let st = s.open();
            let docs = st.documents().unwrap();
            let unique: BTreeSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(unique.len(), docs.len(), "{}", s.spec);
            assert!(unique.iter().all(|id| want.contains(*id)), "{}", s.spec);
        }
        eprintln!(
            "{}: {killed_midway} of {runs} kills landed mid-ingest (whole ingest {full} ms)",
            s.spec
        );
        let out = ingest(&s.spec, &files).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        check_store(&s, &want);
        // The embedded store's search index (killed mid-sync too, some
        // runs) agrees with the store once an ingest has finished.
        if let Some(dir) = dossier_store::embedded_dir(&s.spec) {
            let ix = dossier_search::Index::open_for_store(dir).unwrap();
            let ids: BTreeSet<String> = ix.ids().unwrap().into_iter().collect();
            assert_eq!(&ids, &want, "{}: index and store disagree", s.spec);
        }
    }
}

/// Run `script` in a private mount namespace (the mounts vanish with it).
/// None when this machine does not allow it (not root, no unshare).
fn in_mount_namespace(script: &str) -> Option<std::process::Output> {
    let out = Command::new("unshare")
        .arg("-m")
        .arg("sh")
        .arg("-c")
        .arg(script)
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.contains("MOUNTED") {
        eprintln!(
            "skipped: cannot mount here (needs root and unshare): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some(out)
}

#[test]
fn full_disk_is_a_clear_error_and_keeps_what_was_committed() {
    let work = tempfile::tempdir().unwrap();
    let files = corpus(&work.path().join("in"), 300);
    let mnt = work.path().join("mnt");
    let saved = work.path().join("saved");
    std::fs::create_dir_all(&mnt).unwrap();
    let list: Vec<String> = files.iter().map(|f| format!("'{}'", f.display())).collect();
    // A 160 KiB file system: room for the empty store and some documents,
    // not for all of them.
    let script = format!(
        "mount -t tmpfs -o size=160k tmpfs '{m}' && echo MOUNTED && \
         {bin} --threads 1 ingest {list} --store '{m}/store'; echo \"exit=$?\"; cp -a '{m}/store' '{saved}'",
        m = mnt.display(),
        bin = env!("CARGO_BIN_EXE_dossier"),
        list = list.join(" "),
        saved = saved.display(),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains("exit=0"),
        "ingest into a full disk must fail: {stdout}"
    );
    assert!(
        stderr.contains("full") || stderr.contains("No space left"),
        "clear error: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The store copied out before the namespace ended opens intact.
    let st = SqliteStore::open_dir(&saved).expect("the store survives a full disk");
    assert_eq!(st.integrity_check().unwrap(), Ok(()));
    let n = st.count_documents().unwrap();
    assert!(
        n < files.len(),
        "the disk was too small for every document ({n})"
    );
}

#[test]
fn read_only_store_is_a_clear_error_and_stays_unchanged() {
    let work = tempfile::tempdir().unwrap();
    let files = corpus(&work.path().join("in"), 6);
    let store = work.path().join("store");
    let out = ingest(store.to_str().unwrap(), &files[..3])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Vec<String> = files[3..]
        .iter()
        .map(|f| format!("'{}'", f.display()))
        .collect();
    let script = format!(
        "mount --bind '{s}' '{s}' && mount -o remount,bind,ro '{s}' && echo MOUNTED && \
         {bin} --threads 1 ingest {list} --store '{s}'; echo \"exit=$?\"",
        s = store.display(),
        bin = env!("CARGO_BIN_EXE_dossier"),
        list = list.join(" "),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains("exit=0"),
        "ingest into a read-only store must fail: {stdout}"
    );
    assert!(stderr.contains("read-only"), "clear error: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let st = SqliteStore::open_dir(&store).unwrap();
    assert_eq!(st.count_documents().unwrap(), 3);
    assert_eq!(st.integrity_check().unwrap(), Ok(()));
}
