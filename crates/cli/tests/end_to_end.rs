//! End-to-end tests: run the `dossier` binary on the real seed reports in
//! `../shared/seeds` (skipped with a message when absent) and on bad input.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
}

fn seeds() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared/seeds is absent");
        None
    }
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("dossier runs");
    if !out.status.success() {
        eprintln!("stderr: {}", String::from_utf8_lossy(&out.stderr));
    }
    out
}

/// The JSON report on the seeds, computed once per test binary.
fn seed_report() -> Option<&'static Value> {
    use std::sync::OnceLock;
    static REPORT: OnceLock<Option<Value>> = OnceLock::new();
    REPORT
        .get_or_init(|| {
            let seeds = seeds()?;
            let store = tempfile::tempdir().unwrap();
            let out = run(bin()
                .arg("report")
                .arg(&seeds)
                .arg("--store")
                .arg(store.path())
                .arg("--json"));
            assert!(out.status.success());
            Some(serde_json::from_slice(&out.stdout).expect("report --json is JSON"))
        })
        .as_ref()
}

fn doc_by_file<'a>(r: &'a Value, prefix: &str) -> &'a Value {
    r["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .starts_with(prefix)
        })
        .unwrap_or_else(|| panic!("no document {prefix}"))
}

fn reasons(d: &Value) -> Vec<String> {
    d["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap().to_string())
        .collect()
}

fn quote_with<'a>(r: &'a Value, words: &str) -> &'a Value {
    r["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["quotes"].as_array().unwrap())
        .find(|q| q["text"].as_str().unwrap().contains(words))
        .unwrap_or_else(|| panic!("no quote containing {words:?}"))
}

#[test]
fn furniture_is_removed_from_every_seed_and_recorded() {
    let Some(r) = seed_report() else { return };
    assert_eq!(r["documents"].as_array().unwrap().len(), 5);
    let junk = [
        "Leave a Reply",
        "Please enter your",
        "Connect with us",
        "Continue Reading",
        "appeared first on",
        "(PC, AJA)",
        "0 comments",
        "Your email address",
    ];
    for d in r["documents"].as_array().unwrap() {
        let text = d["text"].as_str().unwrap();
        for j in junk {
            assert!(!text.contains(j), "{j:?} left in {}", d["path"]);
        }
        assert!(!reasons(d).is_empty(), "nothing removed from {}", d["path"]);
    }
    let wi = doc_by_file(r, "000");
    assert!(reasons(wi).contains(&"comment-form".to_string()));
    assert!(
        reasons(wi).contains(&"repeated-title".to_string()),
        "truncated title at the end: {:?}",
        reasons(wi)
    );
    assert_eq!(wi["byline"], "World Israel News Staff");
    assert!(
        wi["standfirst"]
            .as_str()
            .unwrap()
            .starts_with("The U.S. is optimistic as talks progress"),
        "{}",
        wi["standfirst"]
    );
    assert!(
        !wi["text"]
            .as_str()
            .unwrap()
            .contains("The U.S. is optimistic"),
        "the standfirst is not body text"
    );
    let pc = doc_by_file(r, "001");
    assert_eq!(pc["publisher"], "Palestine Chronicle");
    let rs = reasons(pc);
    assert_eq!(
        rs.iter().filter(|x| *x == "related-headline").count(),
        2,
        "{rs:?}"
    );
    assert!(
        rs.contains(&"agency-credit".to_string()) && rs.contains(&"syndication-footer".to_string())
    );
    assert!(!pc["text"].as_str().unwrap().contains("Sniper Fire, RPGs"));
    let nbc = doc_by_file(r, "002");
    assert_eq!(
        nbc["title"],
        "Ceasefire talks between Israel and Hamas make ‘very real’ progress"
    );
    assert!(reasons(nbc).contains(&"prompt".to_string()));
    assert!(nbc["text"]
        .as_str()
        .unwrap()
        .starts_with("A senior Arab diplomat"));
    let nyt = doc_by_file(r, "004");
    assert!(nyt["title"].is_null(), "the NYT seed has no headline");
    assert!(nyt["text"]
        .as_str()
        .unwrap()
        .starts_with("The Israel-Hamas negotiations"));
}

#[test]
fn dates_are_estimated_and_marked() {
    let Some(r) = seed_report() else { return };
    let nyt = doc_by_file(r, "004");
    assert_eq!(nyt["published_estimated"], true);
    let est = &nyt["date_estimate"];
    assert!(
        est["earliest"].as_str().unwrap().starts_with("2025"),
        "{est}"
    );
    assert!(!est["basis"].as_str().unwrap().is_empty());
    for d in r["documents"].as_array().unwrap() {
        if d["published"].is_string() {
            assert_eq!(
                d["published_estimated"], true,
                "no seed has a date in metadata"
            );
        }
    }
}

#[test]
fn quotes_have_the_right_speakers() {
    let Some(r) = seed_report() else { return };
    let named = |words: &str, who: &str| {
        let q = quote_with(r, words);
        let c = q["speaker"]["canonical"].as_str().unwrap_or_default();
        assert!(
            c.contains(who),
            "{words:?}: speaker {} not {who}",
            q["speaker"]
        );
        assert_eq!(q["speaker"]["anonymous"], false);
    };
    named("So, we are hopeful", "Witkoff");
    named("It’s a tragedy", "Trump");
    named("The end result will be the release", "Netanyahu");
    named("There is progress in the negotiations", "Sa’ar");
    named("It is too early to give any impressions", "al-Ansari");
    named("constantly changing dynamic", "Tammy Bruce");
    let anon = |words: &str, desc: &str| {
        let q = quote_with(r, words);
        assert_eq!(
            q["speaker"]["anonymous"], true,
            "{words:?}: {}",
            q["speaker"]
        );
        assert!(
            q["speaker"]["description"].as_str().unwrap().contains(desc),
            "{}",
            q["speaker"]
        );
    };
    anon(
        "We are in the final stretch of negotiations",
        "senior Israeli official",
    );
    anon(
        "There must be a governing system",
        "senior Israeli political official",
    );
    anon("We made very good progress", "senior Arab diplomat");
    anon("a massive deal that can end the war", "diplomat");
    let scare = quote_with(r, "humanitarian pause");
    assert!(
        scare["speaker"].is_null(),
        "a scare quote has no speaker: {}",
        scare["speaker"]
    );
}

#[test]
fn figures_are_found_and_normalized() {
    let Some(r) = seed_report() else { return };
    let figs = |prefix: &str| {
        doc_by_file(r, prefix)["figures"]
            .as_array()
            .unwrap()
            .clone()
    };
    let has = |prefix: &str, value: f64, unit: &str| {
        figs(prefix)
            .iter()
            .any(|f| f["value"].as_f64() == Some(value) && f["unit"].as_str() == Some(unit))
    };
    assert!(has("001", 60.0, "day"), "60‑day with a non-breaking hyphen");
    assert!(has("004", 6.0, "week"), "six-week");
    assert!(has("004", 42.0, "day"));
    assert!(has("003", 1.0, "month"), "one-month");
    let toll = figs("002")
        .into_iter()
        .find(|f| f["value"].as_f64() == Some(1200.0))
        .expect("1,200 in 002");
    assert_eq!(toll["qualifier"], "about");
    let more = figs("004")
        .into_iter()
        .find(|f| f["value"].as_f64() == Some(1000.0))
        .expect("1,000 in 004");
    assert_eq!(more["qualifier"], "more than");
    assert!(more["counted"].as_str().unwrap().contains("prisoners"));
}

#[test]
fn seeds_form_one_storyline_and_tolls_agree() {
    let Some(r) = seed_report() else { return };
    let lines = r["storylines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "the five seeds are one storyline");
    let stories = r["stories"].as_array().unwrap();
    let story_of = |prefix: &str| {
        let id = doc_by_file(r, prefix)["id"].as_str().unwrap().to_string();
        stories
            .iter()
            .position(|s| {
                s["documents"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d == &Value::String(id.clone()))
            })
            .unwrap()
    };
    assert_eq!(
        story_of("000"),
        story_of("001"),
        "the two July 2025 reports are one story"
    );
    // The 7 October toll: reported by two outlets, compared as one measure.
    let all_figs: Vec<&Value> = stories
        .iter()
        .flat_map(|s| s["figures"].as_array().unwrap())
        .chain(lines.iter().flat_map(|l| l["figures"].as_array().unwrap()))
        .collect();
    let killed = all_figs
        .iter()
        .find(|f| {
            f["key"].as_str().unwrap().starts_with("killed@")
                && f["key"].as_str().unwrap().ends_with("10-07")
                && f["reports"].as_array().unwrap().len() >= 2
        })
        .expect("the 7 October toll compared across outlets");
    assert_eq!(killed["agreement"], "agree");
}

#[test]
fn ingest_twice_stores_nothing_twice() {
    let Some(seeds) = seeds() else { return };
    let store = tempfile::tempdir().unwrap();
    let first = run(bin()
        .arg("ingest")
        .arg(&seeds)
        .arg("--store")
        .arg(store.path()));
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stderr).contains("5 stored, 0 already stored"));
    let second = run(bin()
        .arg("ingest")
        .arg(&seeds)
        .arg("--store")
        .arg(store.path()));
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("0 stored, 5 already stored"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    // The store's search index follows each ingest, once per document.
    let ix = dossier_search::Index::open_for_store(store.path()).unwrap();
    assert_eq!(ix.num_docs(), 5);
}

#[test]
fn bad_input_fails_alone_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a_good.txt"), "Talks resume in Cairo\nNegotiators met again in Cairo on Sunday, officials said.\n“We are close,” a senior diplomat said.").unwrap();
    std::fs::write(d.join("b_empty.txt"), "").unwrap();
    std::fs::write(
        d.join("c_binary.bin"),
        [0x7fu8, b'E', b'L', b'F', 0, 0, 1, 2, 3],
    )
    .unwrap();
    std::fs::write(
        d.join("d_invalid.txt"),
        [0xffu8, 0xfe, 0x00, 0x80, 0x81, 0xc3, 0x28],
    )
    .unwrap();
    std::fs::write(d.join("e_records.jsonl"), "{\"text\":\"The court ruled on Monday that the appeal could go ahead.\",\"source\":\"Wire\"}\n{not json\n").unwrap();
    std::fs::write(d.join("f_big.txt"), "word ".repeat(50_000)).unwrap();
    let store = tempfile::tempdir().unwrap();
    let out = run(bin()
        .arg("ingest")
        .arg(d)
        .arg("--store")
        .arg(store.path())
        .arg("--max-bytes")
        .arg("100000"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failure is reported in the exit code"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b_empty.txt: empty"), "{err}");
    assert!(err.contains("c_binary.bin: binary"), "{err}");
    assert!(err.contains("d_invalid.txt"), "{err}");
    assert!(
        err.contains("e_records.jsonl:2: not a JSON record"),
        "{err}"
    );
    assert!(
        err.contains("f_big.txt") && err.contains("over the limit"),
        "{err}"
    );
    assert!(
        err.contains("2 stored, 0 already stored (duplicates), 5 failed"),
        "{err}"
    );
    // The good inputs are stored and a rerun keeps them once.
    let again = run(bin()
        .arg("ingest")
        .arg(d.join("a_good.txt"))
        .arg("--store")
        .arg(store.path()));
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 stored, 1 already stored"));
}

#[test]
fn analyze_writes_one_json_line_per_document() {
    let Some(seeds) = seeds() else { return };
    let out = run(bin().arg("analyze").arg(&seeds));
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for d in &lines {
        for key in [
            "id",
            "path",
            "url",
            "title",
            "byline",
            "publisher",
            "published",
            "published_estimated",
            "language",
            "text",
            "removed",
            "entities",
            "quotes",
            "figures",
            "times",
        ] {
            assert!(d.get(key).is_some(), "missing {key}");
        }
        let text = d["text"].as_str().unwrap();
        for e in d["entities"].as_array().unwrap() {
            let (s, t) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &text[s..t],
                e["text"].as_str().unwrap(),
                "entity offsets are byte offsets into text"
            );
        }
        for q in d["quotes"].as_array().unwrap() {
            let (s, t) = (
                q["start"].as_u64().unwrap() as usize,
                q["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..t], q["text"].as_str().unwrap());
        }
    }
    assert_eq!(lines[0]["language"], "en");
}

#[test]
fn analyze_reads_jsonl_from_stdin() {
    use std::io::Write;
    let mut child = bin()
        .args(["analyze", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{\"text\":\"The minister said on Monday that 60 trucks of aid entered.\",\"published\":\"2025-07-07\",\"source\":\"Wire\",\"url\":\"https://example.org/a\"}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let d: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(d["published"], "2025-07-07");
    assert_eq!(d["published_estimated"], false);
    assert_eq!(d["url"], "https://example.org/a");
    let monday = d["times"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["text"].as_str().unwrap().contains("Monday"))
        .expect("Monday");
    assert_eq!(monday["value"], "2025-07-07");
}

#[test]
fn markdown_and_html_reports_are_written() {
    let Some(seeds) = seeds() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let html = dir.path().join("r.html");
    let md = dir.path().join("r.md");
    assert!(run(bin()
        .arg("report")
        .arg(&seeds)
        .arg("--store")
        .arg(&store)
        .args(["--format", "html", "--out"])
        .arg(&html))
    .status
    .success());
    assert!(run(bin()
        .arg("report")
        .arg(&seeds)
        .arg("--store")
        .arg(&store)
        .args(["--format", "md", "--out"])
        .arg(&md))
    .status
    .success());
    let h = std::fs::read_to_string(&html).unwrap();
    assert!(
        h.starts_with("<!doctype html>") && h.contains("Who said what") && !h.contains("<script")
    );
    let m = std::fs::read_to_string(&md).unwrap();
    assert!(m.contains("### Figures") && m.contains("Palestine Chronicle"));
}

/// Writes JSONL records (`id` as the URL's last part, outlet, date, text).
fn records(path: &Path, recs: &[(&str, &str, &str, &str)]) {
    let lines: Vec<String> = recs
        .iter()
        .map(|(id, outlet, date, text)| {
            serde_json::json!({
                "url": format!("https://example.invalid/{id}"),
                "source": outlet,
                "published": date,
                "text": text,
            })
            .to_string()
        })
        .collect();
    std::fs::write(path, lines.join("\n")).unwrap();
}

/// Each story's id and the URLs of its documents (copies included).
fn stories_by_url(store: &Path) -> Vec<(String, Vec<String>)> {
    let st = dossier_store::open(&store.to_string_lossy()).unwrap();
    let url: std::collections::HashMap<String, String> = st
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| (d.id.clone(), d.url.clone().unwrap_or_default()))
        .collect();
    st.story_members()
        .unwrap()
        .into_iter()
        .map(|(id, docs)| {
            let mut urls: Vec<String> = docs.iter().map(|d| url[d].clone()).collect();
            urls.sort();
            (id, urls)
        })
        .collect()
}

#[test]
fn later_ingests_extend_the_stored_stories_until_a_full_regrouping_is_due() {
    const QUAKE_A: &str = "A magnitude 7.1 earthquake struck off the coast of northern Chile on Tuesday, shaking buildings in Antofagasta and prompting a brief tsunami warning. Chile's disaster agency said there were no immediate reports of casualties. The quake hit at a depth of 40 kilometres, the US Geological Survey said.";
    const QUAKE_B: &str = "Residents of Antofagasta fled into the streets after a powerful earthquake shook northern Chile. The US Geological Survey measured the quake at magnitude 7.1. A tsunami warning for the Chilean coast was lifted two hours later, and the disaster agency reported minor damage to roads.";
    const QUAKE_C: &str = "The earthquake in northern Chile, magnitude 7.1 according to the US Geological Survey, damaged roads near Antofagasta. Chile's disaster agency lifted the tsunami warning for the coast.";
    const BANK_A: &str = "The European Central Bank left its main interest rate unchanged at 4 percent on Thursday, with President Christine Lagarde saying inflation in the euro zone was easing but remained too high. Economists expect the first rate cut in the summer.";
    const BANK_B: &str = "Christine Lagarde said the European Central Bank would keep interest rates at a record high for now, after policymakers held the deposit rate at 4 percent. Markets had priced in a rate cut by June as euro zone inflation slows.";
    const BALL: &str = "Real Madrid beat Barcelona 3-1 in the league on Sunday, with two goals from Vinicius Junior in the second half at the Bernabeu.";
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let ingest = |file: &str, recs: &[(&str, &str, &str, &str)], extra: &[&str]| {
        let p = dir.path().join(file);
        records(&p, recs);
        let out = run(bin()
            .arg("ingest")
            .arg(&p)
            .arg("--store")
            .arg(&store)
            .args(extra));
        assert!(out.status.success());
    };
    ingest(
        "1.jsonl",
        &[
            ("q1", "Reuters", "2024-03-05", QUAKE_A),
            ("q2", "AP", "2024-03-05", QUAKE_B),
            ("b1", "FT", "2024-03-07", BANK_A),
            ("b2", "Bloomberg", "2024-03-07", BANK_B),
        ],
        &[],
    );
    let first = stories_by_url(&store);
    assert_eq!(first.len(), 2, "{first:?}");
    let st = dossier_store::open(&store.to_string_lossy()).unwrap();
    assert_eq!(st.full_grouping_documents().unwrap(), Some(4));
    drop(st);
    // 5 documents, under 1.5 x 4: the stories are extended and keep their ids.
    ingest("2.jsonl", &[("q3", "BBC", "2024-03-06", QUAKE_C)], &[]);
    let second = stories_by_url(&store);
    let quake = |g: &[(String, Vec<String>)]| {
        g.iter()
            .find(|s| s.1.iter().any(|u| u.ends_with("/q1")))
            .cloned()
            .unwrap()
    };
    assert_eq!(quake(&second).0, quake(&first).0, "{second:?}");
    assert!(quake(&second).1.iter().any(|u| u.ends_with("/q3")));
    assert!(second.contains(
        &first
            .iter()
            .find(|s| s.1[0].ends_with("/b1"))
            .unwrap()
            .clone()
    ));
    let st = dossier_store::open(&store.to_string_lossy()).unwrap();
    assert_eq!(st.full_grouping_documents().unwrap(), Some(4));
    drop(st);
    // 6 documents: a full regrouping is due.
    ingest("3.jsonl", &[("f1", "ESPN", "2024-03-08", BALL)], &[]);
    let st = dossier_store::open(&store.to_string_lossy()).unwrap();
    assert_eq!(st.full_grouping_documents().unwrap(), Some(6));
    assert_eq!(st.story_members().unwrap().len(), 3);
    drop(st);
    // 7 documents, under 1.5 x 6: no full clustering is due ...
    const BALL_2: &str = "Barcelona lost 3-1 to Real Madrid at the Bernabeu on Sunday; Vinicius Junior scored twice after the break.";
    ingest("4.jsonl", &[("f2", "Marca", "2024-03-08", BALL_2)], &[]);
    let st = dossier_store::open(&store.to_string_lossy()).unwrap();
    assert_eq!(st.full_grouping_documents().unwrap(), Some(6));
    drop(st);
    // ... but --regroup clusters everything again, even with nothing new
    // stored, and records it in the same transaction as the grouping.
    ingest(
        "4.jsonl",
        &[("f2", "Marca", "2024-03-08", BALL_2)],
        &["--regroup"],
    );
    let st = dossier_store::open(&store.to_string_lossy()).unwrap();
    assert_eq!(st.full_grouping_documents().unwrap(), Some(7));
    assert_eq!(st.grouping_documents().unwrap(), Some(7));
}
