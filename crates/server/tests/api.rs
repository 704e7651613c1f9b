//! The server on an ephemeral 127.0.0.1 port, over a store built here.

use dossier_model::*;
use dossier_search::Index;
use dossier_server::{App, Limits, OPENAPI};
use dossier_store::{SqliteStore, Store};
use serde_json::Value;
use std::net::SocketAddr;

const HOSTILE: &str = "<script>document.title='pwned'</script><img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\" onclick=\"alert(3)\">x</a> \"><svg onload=alert(4)>";

fn fixture() -> (Vec<Document>, Story, Storyline) {
    let t1 = "Steve Witkoff said the ceasefire talks in Doha would resume on Tuesday. “We are close,” Witkoff said. About 1,200 people were killed.";
    let q = t1.find("We are close").unwrap();
    let f = t1.find("1,200").unwrap();
    let d1 = Document {
        id: "doc1".into(),
        title: Some("Ceasefire talks to resume in Doha".into()),
        publisher: Some("Reuters".into()),
        published: Some("2025-07-08".into()),
        text: t1.into(),
        sentences: vec![
            Span::new(0, 72),
            Span::new(73, f - 6),
            Span::new(f - 6, t1.len()),
        ],
        entities: vec![EntityMention {
            start: 0,
            end: 13,
            text: "Steve Witkoff".into(),
            label: EntityLabel::Person,
            canonical: "Steve Witkoff".into(),
            role: None,
        }],
        quotes: vec![Quote {
            start: q,
            end: q + 12,
            text: "We are close".into(),
            kind: QuoteKind::Direct,
            speaker: Some(Speaker {
                name: "Witkoff".into(),
                canonical: Some("Steve Witkoff".into()),
                anonymous: false,
                ..Default::default()
            }),
            cue: Some("said".into()),
            anonymity_reason: None,
        }],
        figures: vec![Figure {
            start: f,
            end: f + 5,
            text: "1,200".into(),
            kind: FigureKind::Count,
            value: 1200.0,
            low: None,
            high: None,
            qualifier: Some("about".into()),
            unit: Some("person".into()),
            counted: Some("killed".into()),
            measure: Some("killed".into()),
            source: None,
            date: None,
            place: None,
        }],
        removed: vec![Removal {
            text: "Sign up for our newsletter".into(),
            reason: "prompt".into(),
        }],
        ..Default::default()
    };
    let d2 = Document {
        id: "doc2".into(),
        title: Some(format!("Hostile page {HOSTILE}")),
        publisher: Some(format!("Evil <b>Outlet</b>")),
        published: Some("2025-07-09".into()),
        text: format!("A senior official said the ceasefire was near. {HOSTILE} More text."),
        entities: vec![EntityMention {
            start: 0,
            end: 0,
            text: String::new(),
            label: EntityLabel::Misc,
            canonical: format!("Ent {HOSTILE}"),
            role: None,
        }],
        removed: vec![Removal {
            text: HOSTILE.into(),
            reason: "boilerplate".into(),
        }],
        ..Default::default()
    };
    let src = SourceRef {
        document: "doc1".into(),
        outlet: "Reuters".into(),
        start: 0,
        end: 72,
    };
    let story = Story {
        id: "story1".into(),
        title: "Ceasefire talks".into(),
        storyline: "line1".into(),
        documents: vec!["doc1".into(), "doc2".into()],
        duplicates: vec![],
        first_date: Some("2025-07-08".into()),
        last_date: Some("2025-07-09".into()),
        outlets: vec!["Reuters".into(), "Evil <b>Outlet</b>".into()],
        timeline: vec![
            TimelineEntry {
                date: "2025-07-08".into(),
                text: "Talks in Doha would resume.".into(),
                basis: "Tuesday".into(),
                source: src.clone(),
                year_from: None,
            },
            TimelineEntry {
                date: "2023-10-07".into(),
                text: "The war began with the Oct. 7 attack.".into(),
                basis: "Oct. 7".into(),
                source: src.clone(),
                year_from: Some("doc2".into()),
            },
        ],
        quotes: vec![
            QuoteRef {
                document: "doc1".into(),
                outlet: "Reuters".into(),
                text: "We are close".into(),
                kind: QuoteKind::Direct,
                speaker: Some(Speaker {
                    name: "Witkoff".into(),
                    canonical: Some("Steve Witkoff".into()),
                    anonymous: false,
                    ..Default::default()
                }),
                cue: Some("said".into()),
                start: q,
                end: q + 12,
                also_in: vec![],
            },
            QuoteRef {
                document: "doc2".into(),
                outlet: "Evil <b>Outlet</b>".into(),
                text: HOSTILE.into(),
                kind: QuoteKind::Reported,
                speaker: Some(Speaker {
                    name: "A senior official".into(),
                    canonical: None,
                    anonymous: true,
                    description: Some("a senior official".into()),
                    ..Default::default()
                }),
                cue: Some("said".into()),
                start: 0,
                end: 10,
                also_in: vec![],
            },
        ],
        positions: vec![PositionRef {
            document: "doc2".into(),
            outlet: "Evil <b>Outlet</b>".into(),
            speaker: Speaker {
                name: "Hamas".into(),
                canonical: Some("Hamas".into()),
                anonymous: false,
                ..Default::default()
            },
            cue: "has rejected".into(),
            text: HOSTILE.into(),
            start: 0,
            end: 10,
        }],
        sourcing: vec![OutletSourcing {
            outlet: "Evil <b>Outlet</b>".into(),
            quotes: 2,
            named: 1,
            anonymous: 1,
            unattributed: 0,
            speakers: vec![("Steve Witkoff".into(), 1)],
            anonymous_by_affiliation: vec![("<i>Israeli</i>".into(), 1)],
        }],
        figures: vec![FigureComparison {
            measure: "killed".into(),
            key: "killed".into(),
            agreement: Agreement::Differ,
            reports: vec![FigureReport {
                document: "doc1".into(),
                outlet: "Reuters".into(),
                published: Some("2025-07-08".into()),
                text: "1,200".into(),
                value: 1200.0,
                low: None,
                high: None,
                qualifier: Some("about".into()),
                unit: Some("person".into()),
                counted: Some("killed".into()),
                source: None,
                date: None,
                place: None,
                start: f,
                end: f + 5,
            }],
        }],
        labels: vec![ActorLabels {
            actor: "Hamas".into(),
            outlets: vec![OutletLabels {
                outlet: "Reuters".into(),
                labels: vec![("militant group".into(), 2)],
            }],
        }],
        summary: vec![SummarySentence {
            text: "Steve Witkoff said the ceasefire talks in Doha would resume on Tuesday.".into(),
            source: src,
        }],
    };
    let line = Storyline {
        id: "line1".into(),
        title: "Gaza ceasefire".into(),
        stories: vec!["story1".into()],
        ..Default::default()
    };
    (vec![d1, d2], story, line)
}

struct Server {
    base: String,
    _dir: tempfile::TempDir,
    client: reqwest::Client,
}

async fn start(token: Option<&str>, limits: Limits) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open_dir(dir.path()).unwrap();
    let (docs, story, line) = fixture();
    store.put_documents(&docs).unwrap();
    store.replace_grouping(&[story], &[line]).unwrap();
    let index = Index::open_for_store(dir.path()).unwrap();
    index.sync_with(&store).unwrap();
    let app = App::new(Box::new(store), index, token.map(str::to_string), limits).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<SocketAddr>();
    tokio::spawn(dossier_server::serve(
        app,
        "127.0.0.1:0".parse().unwrap(),
        move |a| {
            let _ = tx.send(a);
        },
    ));
    let addr = rx.await.unwrap();
    Server {
        base: format!("http://{addr}"),
        _dir: dir,
        client: reqwest::Client::new(),
    }
}

impl Server {
    /// `POST /api/documents` with `body`, as `token` (none: no
    /// Authorization header).
    async fn ingest(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut req = self.client.post(format!("{}/api/documents", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.json(body).send().await.unwrap()
    }
    async fn get(&self, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.text().await.unwrap(), headers)
    }
    async fn json(&self, path: &str) -> (u16, Value) {
        let (s, body, h) = self.get(path).await;
        assert!(
            h[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}: not JSON"
        );
        (
            s,
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
        )
    }
}

fn spec() -> Value {
    serde_json::from_str(OPENAPI).unwrap()
}

/// The `required` properties of the schema a response refers to.
fn required_of(spec: &Value, response: &Value) -> Vec<String> {
    let Some(r) = response
        .pointer("/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
    else {
        return vec![];
    };
    let name = r.rsplit('/').next().unwrap();
    spec["components"]["schemas"][name]["required"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn openapi_matches_the_routes_and_the_answers() {
    let srv = start(None, Limits::default()).await;
    let spec = spec();
    let mut documented: Vec<(String, String)> = vec![];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut routes: Vec<(String, String)> = dossier_server_routes();
    routes.sort();
    assert_eq!(documented, routes, "OpenAPI paths and server routes differ");
    // Served as JSON, same text.
    let (s, served) = srv.json("/api/openapi.json").await;
    assert_eq!(s, 200);
    assert_eq!(served, spec);
    // Every GET answers with a documented status and the documented fields.
    for (path, ops) in spec["paths"].as_object().unwrap() {
        let Some(op) = ops.get("get") else { continue };
        let concrete = path
            .replace(
                "{id}",
                if path.contains("storylines") {
                    "line1"
                } else if path.contains("stories") {
                    "story1"
                } else {
                    "doc1"
                },
            )
            .replace(
                "{name}",
                if path.contains("outlets") {
                    "Reuters"
                } else {
                    "Steve%20Witkoff"
                },
            );
        let (status, body) = if path.ends_with("openapi.json") {
            (200, served.clone())
        } else {
            srv.json(&format!("{concrete}?q=ceasefire")).await
        };
        let resp = &op["responses"][status.to_string()];
        assert!(resp.is_object(), "{path}: status {status} not documented");
        for field in required_of(&spec, resp) {
            assert!(
                body.get(&field).is_some(),
                "{path}: missing documented field `{field}` in {body}"
            );
        }
        // A missing item answers 404 as documented.
        if path.contains('{') {
            let (s, e) = srv
                .json(
                    &path
                        .replace("{id}", "nope")
                        .replace("{name}", "nobody-at-all"),
                )
                .await;
            assert_eq!(s, 404, "{path}");
            assert!(
                op["responses"]["404"].is_object(),
                "{path}: 404 undocumented"
            );
            assert_eq!(e["error"]["status"], 404);
        }
    }
}

fn dossier_server_routes() -> Vec<(String, String)> {
    dossier_server::api_routes()
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect()
}

#[tokio::test]
async fn search_returns_highlights_facets_and_attention() {
    let srv = start(None, Limits::default()).await;
    let (s, r) = srv.json("/api/search?q=ceasefire&attention=true").await;
    assert_eq!(s, 200);
    assert_eq!(r["total"], 2);
    assert_eq!(r["facets"]["outlets"].as_array().unwrap().len(), 2);
    assert_eq!(
        r["attention"]["overall"]["days"].as_array().unwrap().len(),
        2
    );
    let (_, r) = srv
        .json("/api/search?q=entity:%22Steve%20Witkoff%22&sort=date")
        .await;
    assert_eq!(r["hits"][0]["id"], "doc1");
    let h = &r["hits"][0]["snippet"];
    assert!(h["highlights"].as_array().unwrap().len() >= 1, "{h}");
    let (_, r) = srv.json("/api/search?q=ceasefire&from=2025-07-09").await;
    assert_eq!(r["total"], 1);
    let (_, r) = srv.json("/api/search?q=&limit=1&offset=1&sort=date").await;
    assert_eq!(r["hits"][0]["id"], "doc1");
    let (_, r) = srv.json("/api/attention?q=ceasefire").await;
    assert_eq!(r["total"], 2);
    assert_eq!(r["attention"]["outlets"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn errors_are_json_with_status_codes() {
    let srv = start(None, Limits::default()).await;
    let (s, e) = srv.json("/api/search?q=x&sort=sideways").await;
    assert_eq!((s, e["error"]["status"].as_u64()), (400, Some(400)));
    assert!(e["error"]["message"].as_str().unwrap().contains("sideways"));
    let (s, _) = srv.json("/api/search?q=x&from=last-week").await;
    assert_eq!(s, 400);
    let (s, _) = srv.json("/api/search?q=x&limit=abc").await;
    assert_eq!(s, 400);
    let (s, e) = srv.json("/api/no/such/thing").await;
    assert_eq!((s, e["error"]["status"].as_u64()), (404, Some(404)));
    let (s, page, _) = srv.get("/no/such/page").await;
    assert_eq!(s, 404);
    assert!(page.contains("<h1>Not Found</h1>"));
}

#[tokio::test]
async fn ingest_needs_the_token_and_limits_the_body() {
    let srv = start(
        Some("s3cret"),
        Limits {
            max_body: 4096,
            ..Default::default()
        },
    )
    .await;
    let url = format!("{}/api/documents", srv.base);
    let body = serde_json::json!({"documents": [{"text": "x"}]});
    let r = srv.ingest(None, &body).await;
    assert_eq!(r.status().as_u16(), 401);
    let r = srv.ingest(Some("wrong"), &body).await;
    assert_eq!(r.status().as_u16(), 401);
    let big = serde_json::json!({"documents": [{"text": "a ".repeat(5000)}]});
    let r = srv.ingest(Some("s3cret"), &big).await;
    assert_eq!(r.status().as_u16(), 413);
    let r = srv
        .client
        .post(&url)
        .bearer_auth("s3cret")
        .body("not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["status"], 400);
    let r = srv
        .ingest(
            Some("s3cret"),
            &serde_json::json!({"documents": [{"url": "https://example.org/a"}]}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let e: Value = r.json().await.unwrap();
    assert!(e["failed"][0]["error"]
        .as_str()
        .unwrap()
        .contains("not fetched"));
}

#[tokio::test]
async fn ingest_stores_groups_and_a_retry_finishes_an_interrupted_grouping() {
    let srv = start(Some("s3cret"), Limits::default()).await;
    let body = serde_json::json!({"documents": [{
        "text": "Negotiators met in Doha on Monday to press for a ceasefire in Gaza, officials said. The talks will resume on Thursday, a mediator said.",
        "title": "Negotiators meet in Doha",
        "published": "2025-07-14",
        "source": "Test Wire",
    }]});
    let post = || async {
        let r = srv.ingest(Some("s3cret"), &body).await;
        assert_eq!(r.status().as_u16(), 200);
        r.json::<Value>().await.unwrap()
    };
    let v = post().await;
    assert_eq!(
        (v["stored"].as_u64(), v["already_stored"].as_u64()),
        (Some(1), Some(0))
    );
    let id = v["ids"][0].as_str().unwrap().to_string();
    let in_a_story = |store: &SqliteStore| {
        store
            .stories()
            .unwrap()
            .iter()
            .any(|s| s.documents.contains(&id))
    };
    let mut store = SqliteStore::open_dir(srv._dir.path()).unwrap();
    assert!(
        in_a_story(&store),
        "the new document joins or opens a story"
    );
    assert_eq!(store.grouping_documents().unwrap(), Some(3));
    let (s, page, _) = srv.get("/api/search?q=negotiators").await;
    assert_eq!(s, 200);
    assert!(page.contains(&id), "{page}");

    // A grouping that did not finish (stored by a worker that stopped
    // after storing the documents): the same request again stores
    // nothing and groups them.
    store.replace_grouping(&[], &[]).unwrap();
    assert!(!in_a_story(&store));
    let v = post().await;
    assert_eq!(
        (v["stored"].as_u64(), v["already_stored"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(in_a_story(&store), "the retry regroups");
    assert_eq!(store.grouping_documents().unwrap(), Some(3));
}

#[tokio::test]
async fn ingest_is_refused_without_a_configured_token() {
    let srv = start(None, Limits::default()).await;
    let r = srv
        .ingest(Some(""), &serde_json::json!({"documents": [{"text": "x"}]}))
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn pages_show_the_story_and_escape_article_text() {
    let srv = start(None, Limits::default()).await;
    for path in [
        "/",
        "/stories/story1",
        "/documents/doc1",
        "/documents/doc2",
        "/search?q=ceasefire",
        "/search?q=pwned",
        "/entities",
        "/outlets",
        "/entities/Steve%20Witkoff",
        "/outlets/Reuters",
        "/outlets/Evil%20%3Cb%3EOutlet%3C%2Fb%3E",
    ] {
        let (s, page, h) = srv.get(path).await;
        assert_eq!(s, 200, "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{csp}"
        );
        for bad in ["<script", "<img", "<svg onload", "<iframe", "<b>Outlet"] {
            assert!(!page.contains(bad), "{path}: `{bad}` reached the page");
        }
        // Escaped text has no raw `<`: every `<` opens a tag the server wrote,
        // and none of those carries an event handler or a javascript: URL.
        for tag in page
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
        {
            let t = tag.to_ascii_lowercase();
            for bad in [
                " onerror",
                " onclick",
                " onload",
                " onmouseover",
                "javascript:",
            ] {
                assert!(!t.contains(bad), "{path}: tag <{tag}> carries `{bad}`");
            }
        }
    }
    let (_, story, _) = srv.get("/stories/story1").await;
    assert!(story.contains("id=\"timeline\""));
    assert!(story.contains("2025-07-08"));
    // a year another report gave is marked and links to that report
    assert!(
        story.contains(
            "2023-10-07<br><a class=\"src\" href=\"/documents/doc2\">year from another report</a>"
        ),
        "{story}"
    );
    assert!(story.contains("<span class=\"differ\">differ</span>"));
    assert!(story.contains("<span class=\"anon\">anonymous</span> a senior official"));
    assert!(story.contains("href=\"/entities/Steve%20Witkoff\">Steve Witkoff</a>"));
    assert!(
        story.contains("href=\"/documents/doc1#s0\""),
        "summary links to its sentence"
    );
    assert!(story.contains("militant group"));
    // positions beyond quotes: the source links to its entity, the
    // content to its place in the report
    assert!(story.contains("id=\"positions\""));
    assert!(story.contains("has rejected <a href=\"/documents/doc2#o0\">"));
    assert!(story.contains("href=\"/entities/Hamas\">Hamas</a>"));
    // sourcing by outlet, escaped
    assert!(story.contains("id=\"sourcing\""));
    assert!(story.contains("<td>Evil &lt;b&gt;Outlet&lt;/b&gt;</td><td>2 quotes: 1 named, 1 anonymous (50%)</td><td>Steve Witkoff ×1</td><td>&lt;i&gt;Israeli&lt;/i&gt; ×1</td>"), "{story}");
    let (_, doc, _) = srv.get("/documents/doc1").await;
    assert!(doc.contains("id=\"s0\""));
    assert!(doc.contains("class=\"e-per\""));
    assert!(doc.contains("Sign up for our newsletter"));
    let (_, css, h) = srv.get("/assets/app.css").await;
    assert!(h["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(css.contains(".anon"));
}
