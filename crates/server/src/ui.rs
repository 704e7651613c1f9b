//! The web UI: server-rendered pages, no scripts, every asset embedded.

use crate::api::{entity_request, outlet_request, profile, Page, Profile, SearchParams, StoryItem};
use crate::html::{annotated_text, chart, enc, esc, marked, page, CSS};
use crate::{blocking, ApiError, App};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dossier_model::{readable_date, Agreement, Document, Speaker, Story, Storyline};
use std::fmt::Write;
use std::sync::Arc;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/stories/{id}", get(story))
        .route("/documents/{id}", get(document))
        .route("/entities", get(entities))
        .route("/entities/{name}", get(entity))
        .route("/outlets", get(outlets))
        .route("/outlets/{name}", get(outlet))
        .route("/assets/app.css", get(css))
        .fallback(not_found)
}

/// An error page with the right status code.
struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = self.0.status.canonical_reason().unwrap_or("Error");
        let body = format!(
            "<h1>{}</h1><p>{}</p><p><a href=\"/\">Home</a></p>",
            esc(title),
            esc(&self.0.message)
        );
        (self.0.status, Html(page(title, "", &body))).into_response()
    }
}

type PageResult = Result<Html<String>, PageError>;

async fn not_found() -> PageError {
    PageError(ApiError::new(StatusCode::NOT_FOUND, "No such page."))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

fn date_range(first: &Option<String>, last: &Option<String>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) | (None, Some(a)) => a.clone(),
        _ => "undated".into(),
    }
}

fn story_list(items: &[StoryItem]) -> String {
    if items.is_empty() {
        return "<p class=\"muted\">No stories yet: ingest reports with <code>dossier ingest PATH</code>.</p>".into();
    }
    let mut o = String::from("<ul class=\"stories\">");
    for s in items {
        let outlets: Vec<String> = s
            .outlets
            .iter()
            .map(|x| format!("<a href=\"/outlets/{}\">{}</a>", enc(x), esc(x)))
            .collect();
        let _ = write!(
            o,
            "<li><h3><a href=\"/stories/{}\">{}</a></h3><div class=\"meta\">{} · {} report{} · {}</div></li>",
            enc(&s.id),
            esc(&s.title),
            esc(&date_range(&s.first_date, &s.last_date)),
            s.documents,
            if s.documents == 1 { "" } else { "s" },
            outlets.join(", ")
        );
    }
    o.push_str("</ul>");
    o
}

async fn home(State(app): State<Arc<App>>, Query(p): Query<Page>) -> PageResult {
    Ok(blocking(move || {
        let g = app.grouping();
        let (offset, limit) = p.resolve(&app, 30);
        let items: Vec<StoryItem> = g
            .latest
            .iter()
            .skip(offset)
            .take(limit)
            .map(|&i| StoryItem::of(&g.stories[i]))
            .collect();
        let mut body = format!(
            "<h1>Latest stories</h1><p class=\"muted\">{} stories from {} indexed reports.</p>{}",
            g.stories.len(),
            app.index.num_docs(),
            story_list(&items)
        );
        pager(&mut body, "/?", offset, limit, g.stories.len());
        Ok(Html(page("Latest stories", "", &body)))
    })
    .await?)
}

fn pager(o: &mut String, base: &str, offset: usize, limit: usize, total: usize) {
    o.push_str("<nav class=\"pager\" aria-label=\"Pages\">");
    if offset > 0 {
        let _ = write!(
            o,
            "<a href=\"{base}offset={}\" rel=\"prev\">← Newer</a>",
            offset.saturating_sub(limit)
        );
    }
    if offset + limit < total {
        let _ = write!(
            o,
            "<a href=\"{base}offset={}\" rel=\"next\">Older →</a>",
            offset + limit
        );
    }
    o.push_str("</nav>");
}

fn search_query_string(p: &SearchParams, outlet: Option<&str>, entity: Option<&str>) -> String {
    let mut parts = vec![format!("q={}", enc(&p.q))];
    for (k, v) in [("from", &p.from), ("to", &p.to), ("sort", &p.sort)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", enc(v)));
        }
    }
    if let Some(o) = outlet.or(p.outlet.as_deref()).filter(|v| !v.is_empty()) {
        parts.push(format!("outlet={}", enc(o)));
    }
    if let Some(e) = entity.or(p.entity.as_deref()).filter(|v| !v.is_empty()) {
        parts.push(format!("entity={}", enc(e)));
    }
    parts.join("&amp;")
}

async fn search(State(app): State<Arc<App>>, Query(mut p): Query<SearchParams>) -> PageResult {
    Ok(blocking(move || {
        p.facets = Some(true);
        p.attention = Some(true);
        let req = p.request(&app, 20).map_err(PageError::from);
        let req = match req {
            Ok(r) => r,
            Err(e) => return Ok(Html(page("Search", &p.q, &format!("<h1>Search</h1><p role=\"alert\">{}</p>", esc(&e.0.message))))),
        };
        let r = app.index.search(&req)?;
        let mut o = String::from("<h1>Search</h1>");
        // Filters: dates and sort, keeping the query and facet filters.
        let _ = write!(
            o,
            "<form class=\"filters\" action=\"/search\" method=\"get\"><input type=\"hidden\" name=\"q\" value=\"{}\">{}{}\
<label>From <input name=\"from\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"10\"></label><label>To <input name=\"to\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"10\"></label>\
<label>Sort <select name=\"sort\">{}</select></label><button type=\"submit\">Apply</button></form>",
            esc(&p.q),
            p.outlet.as_deref().map(|v| format!("<input type=\"hidden\" name=\"outlet\" value=\"{}\">", esc(v))).unwrap_or_default(),
            p.entity.as_deref().map(|v| format!("<input type=\"hidden\" name=\"entity\" value=\"{}\">", esc(v))).unwrap_or_default(),
            esc(p.from.as_deref().unwrap_or("")),
            esc(p.to.as_deref().unwrap_or("")),
            [("relevance", "Relevance"), ("date", "Newest first"), ("date_asc", "Oldest first")]
                .iter()
                .map(|(v, l)| format!("<option value=\"{v}\"{}>{l}</option>", if p.sort.as_deref().unwrap_or("relevance") == *v { " selected" } else { "" }))
                .collect::<String>()
        );
        for (name, v) in [("outlet", &p.outlet), ("entity", &p.entity)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                let mut without = p.clone();
                if name == "outlet" { without.outlet = None } else { without.entity = None }
                let _ = write!(o, "<span class=\"chip\">{name}: {} <a href=\"/search?{}\" aria-label=\"Remove filter {name}\">×</a></span>", esc(v), search_query_string(&without, None, None));
            }
        }
        for w in &r.warnings {
            let _ = write!(o, "<p class=\"muted\" role=\"status\">{}</p>", esc(w));
        }
        let _ = write!(o, "<p class=\"meta\" id=\"count\">{} matching report{}</p>", r.total, if r.total == 1 { "" } else { "s" });
        o.push_str("<div class=\"layout\"><section aria-label=\"Results\">");
        if let Some(a) = &r.attention {
            o.push_str(&chart(&a.overall, "Matching reports per day"));
        }
        o.push_str("<ul class=\"results\">");
        for h in &r.hits {
            let _ = write!(
                o,
                "<li><h3><a href=\"/documents/{}\">{}</a></h3><div class=\"meta\"><a href=\"/outlets/{}\">{}</a> · {}</div><p>{}</p></li>",
                enc(&h.id),
                if h.title.text.is_empty() { "(no title)".to_string() } else { marked(&h.title) },
                enc(&h.outlet),
                esc(&h.outlet),
                esc(h.published.as_deref().unwrap_or("undated")),
                marked(&h.snippet)
            );
        }
        o.push_str("</ul>");
        pager(&mut o, &format!("/search?{}&amp;", search_query_string(&p, None, None)), req.offset, req.limit, r.total);
        o.push_str("</section><aside aria-label=\"Facets\">");
        if let Some(f) = &r.facets {
            o.push_str("<h2>Outlets</h2><ul>");
            for c in &f.outlets {
                let _ = write!(o, "<li><a href=\"/search?{}\">{}</a> <span class=\"muted\">{}</span></li>", search_query_string(&p, Some(&c.value), None), esc(&c.value), c.count);
            }
            o.push_str("</ul><h2>Entities</h2>");
            if f.entities_estimated {
                o.push_str("<p class=\"muted\">Counts estimated from a sample of the matches.</p>");
            }
            o.push_str("<ul>");
            for c in &f.entities {
                let _ = write!(
                    o,
                    "<li><a href=\"/search?{}\">{}</a> <span class=\"muted\">{} {}</span></li>",
                    search_query_string(&p, None, Some(&c.value)),
                    esc(&c.value),
                    esc(c.label.as_deref().unwrap_or("")),
                    c.count
                );
            }
            o.push_str("</ul>");
        }
        if let Some(a) = &r.attention {
            o.push_str("<h2>Attention by outlet</h2>");
            for (outlet, s) in a.outlets.iter().filter(|(_, s)| !s.days.is_empty()) {
                o.push_str(&chart(s, outlet).replace("class=\"chart\"", "class=\"chart small\""));
            }
        }
        o.push_str("</aside></div>");
        let title = if p.q.is_empty() { "Search".to_string() } else { format!("{} — search", p.q) };
        Ok(Html(page(&title, &p.q, &o)))
    })
    .await?)
}

fn agreement(a: Agreement) -> (&'static str, &'static str) {
    match a {
        Agreement::Agree => ("agree", "agree"),
        Agreement::Differ => ("differ", "differ"),
        Agreement::Updated => ("updated", "updated"),
        Agreement::Single => ("single", "single report"),
    }
}

fn source_link(doc: &str, start: usize, outlet: &str) -> String {
    format!(
        "<a class=\"src\" href=\"/documents/{}#s{start}\">{}</a>",
        enc(doc),
        esc(outlet)
    )
}

/// A timeline row: the date (HTML, already escaped), the sentence, a link
/// to where it was said.
fn dated_row(o: &mut String, date: &str, text: &str, src: &dossier_model::SourceRef) {
    let _ = write!(
        o,
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        date,
        esc(text),
        source_link(&src.document, src.start, &src.outlet)
    );
}

/// A sourcing table under its heading (`id` the heading's anchor).
fn sourcing_table(o: &mut String, id: &str, heading: &str, rows: &[dossier_model::OutletSourcing]) {
    let _ = write!(o, "<h2 id=\"{id}\">{heading}</h2><table class=\"sourcing\"><thead><tr><th>Outlet</th><th>Quotes</th><th>Who is quoted</th><th>Anonymous sources</th></tr></thead><tbody>");
    for so in rows {
        o.push_str(&dossier_report::sourcing_row_html(so));
    }
    o.push_str("</tbody></table>");
}

/// A story's page. `line_stories` are the stories of its storyline (for
/// coverage: which outlets reported which of them).
fn story_page(
    s: &Story,
    docs: &[Option<Document>],
    storyline: Option<&Storyline>,
    line_stories: &[&Story],
) -> String {
    let mut o = format!("<h1>{}</h1>", esc(&s.title));
    if let Some(l) = storyline {
        let _ = write!(o, "<p class=\"meta\">Storyline: {}</p>", esc(&l.title));
    }
    let _ = write!(
        o,
        "<p class=\"meta\">{} · {} outlet{}</p>",
        esc(&date_range(&s.first_date, &s.last_date)),
        s.outlets.len(),
        if s.outlets.len() == 1 { "" } else { "s" }
    );
    o.push_str("<h2 id=\"reports\">Reports</h2><table><thead><tr><th>Outlet</th><th>Date</th><th>Title</th></tr></thead><tbody>");
    for (id, d) in s.documents.iter().zip(docs) {
        let (outlet, date, title) = match d {
            Some(d) => (
                d.outlet(),
                dossier_report::date_label(d),
                d.title.clone().unwrap_or_else(|| "(no title)".into()),
            ),
            None => ("?".into(), "".into(), id.clone()),
        };
        let _ = write!(o, "<tr><td><a href=\"/outlets/{}\">{}</a></td><td>{}</td><td><a href=\"/documents/{}\">{}</a></td></tr>", enc(&outlet), esc(&outlet), esc(&date), enc(id), esc(&title));
    }
    o.push_str("</tbody></table>");
    if !s.summary.is_empty() {
        o.push_str("<h2 id=\"summary\">Summary</h2><ol class=\"summary\">");
        for x in &s.summary {
            let _ = write!(
                o,
                "<li>{} <span class=\"meta\">— {}</span></li>",
                esc(&x.text),
                source_link(&x.source.document, x.source.start, &x.source.outlet)
            );
        }
        o.push_str("</ol>");
    }
    if !s.timeline.is_empty() {
        o.push_str("<h2 id=\"timeline\">Timeline</h2><table class=\"timeline\"><thead><tr><th>Date</th><th>Event</th><th>Source</th></tr></thead><tbody>");
        for t in &s.timeline {
            // a year another report gave: say so, and link to it
            let date = match &t.year_from {
                Some(doc) => format!(
                    "{}<br><a class=\"src\" href=\"/documents/{}\">year from another report</a>",
                    esc(&readable_date(&t.date)),
                    enc(doc)
                ),
                None => esc(&readable_date(&t.date)),
            };
            dated_row(&mut o, &date, &t.text, &t.source);
        }
        o.push_str("</tbody></table>");
    }
    if !s.figures.is_empty() {
        o.push_str("<h2 id=\"figures\">Figures</h2><table class=\"figures\"><thead><tr><th>Measure</th><th>Outlet</th><th>As written</th><th>Date</th></tr></thead><tbody>");
        for f in &s.figures {
            let (cls, word) = agreement(f.agreement);
            for (k, r) in f.reports.iter().enumerate() {
                let head = if k == 0 {
                    format!(
                        "<td rowspan=\"{}\">{}<br><span class=\"{cls}\">{word}</span></td>",
                        f.reports.len(),
                        esc(&f.measure)
                    )
                } else {
                    String::new()
                };
                let src = r
                    .source
                    .as_deref()
                    .map(|s| format!(" <span class=\"meta\">({})</span>", esc(s)))
                    .unwrap_or_default();
                let _ = write!(
                    o,
                    "<tr>{head}<td>{}</td><td><a href=\"/documents/{}#o{}\">“{}”</a>{src}</td><td>{}</td></tr>",
                    esc(&r.outlet),
                    enc(&r.document),
                    r.start,
                    esc(&r.text),
                    esc(r.published.as_deref().unwrap_or("undated"))
                );
            }
        }
        o.push_str("</tbody></table>");
    }
    // A speaker: anonymous with its description, or a link to the entity.
    let who = |speaker: Option<&Speaker>| match speaker {
        Some(sp) if sp.anonymous => format!(
            "<span class=\"anon\">anonymous</span> {}",
            esc(sp.description.as_deref().unwrap_or(&sp.name))
        ),
        Some(sp) => {
            let name = sp.canonical.clone().unwrap_or_else(|| sp.name.clone());
            format!("<a href=\"/entities/{}\">{}</a>", enc(&name), esc(&name))
        }
        None => "<span class=\"muted\">unattributed</span>".into(),
    };
    if !s.quotes.is_empty() {
        o.push_str("<h2 id=\"quotes\">Who said what</h2><table class=\"quotes\"><thead><tr><th>Speaker</th><th>Quote</th><th>Outlet</th></tr></thead><tbody>");
        for q in &s.quotes {
            let who = who(q.speaker.as_ref());
            let also = if q.also_in.is_empty() {
                String::new()
            } else {
                format!(
                    "<br><span class=\"meta\">also in {}</span>",
                    esc(&q.also_in.join(", "))
                )
            };
            let _ = write!(
                o,
                "<tr><td class=\"speaker\">{who}</td><td><a href=\"/documents/{}#o{}\">“{}”</a></td><td>{}{also}</td></tr>",
                enc(&q.document),
                q.start,
                esc(&q.text),
                esc(&q.outlet)
            );
        }
        o.push_str("</tbody></table>");
    }
    if !s.positions.is_empty() {
        o.push_str("<h2 id=\"positions\">Positions attributed beyond quotes</h2><table class=\"quotes\"><thead><tr><th>Source</th><th>What</th><th>Outlet</th></tr></thead><tbody>");
        for p in &s.positions {
            let _ = write!(
                o,
                "<tr><td class=\"speaker\">{}</td><td>{} <a href=\"/documents/{}#o{}\">{}</a></td><td>{}</td></tr>",
                who(Some(&p.speaker)),
                esc(&p.cue),
                enc(&p.document),
                p.start,
                esc(&p.text),
                esc(&p.outlet)
            );
        }
        o.push_str("</tbody></table>");
    }
    if !s.sourcing.is_empty() {
        sourcing_table(&mut o, "sourcing", "Sourcing by outlet", &s.sourcing);
    }
    if !s.labels.is_empty() {
        o.push_str("<h2 id=\"wording\">How outlets name the main actors</h2><table class=\"wording\"><thead><tr><th>Actor</th><th>Outlet</th><th>Words used</th></tr></thead><tbody>");
        for a in &s.labels {
            for ol in &a.outlets {
                let words: Vec<String> = ol
                    .labels
                    .iter()
                    .map(|(l, c)| format!("“{}” ×{c}", esc(l)))
                    .collect();
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&a.actor),
                    esc(&ol.outlet),
                    words.join(", ")
                );
            }
        }
        o.push_str("</tbody></table>");
    }
    // The storyline's key dates, when it joins this story to others: the
    // months-long matter at a glance, each line linked to its source.
    if let Some(l) = storyline
        .filter(|l| l.stories.len() > 1 && l.timeline.iter().any(|k| !k.sentences.is_empty()))
    {
        let _ = write!(
            o,
            "<h2 id=\"storyline\">Storyline key dates</h2><p class=\"meta\">{} stories</p><table class=\"timeline\"><thead><tr><th>Date</th><th>What happened</th><th>Source</th></tr></thead><tbody>",
            l.stories.len()
        );
        for k in &l.timeline {
            for x in &k.sentences {
                dated_row(&mut o, &esc(&readable_date(&k.date)), &x.text, &x.source);
            }
        }
        o.push_str("</tbody></table>");
    }
    // Which outlets of the storyline reported this story and the others.
    let covered = storyline.map_or_else(Vec::new, |l| dossier_report::coverage(l, line_stories));
    if !covered.is_empty() {
        o.push_str("<h2 id=\"coverage\">Coverage across the storyline</h2><table class=\"coverage\"><thead><tr><th>Outlet</th><th>This story</th><th>Stories covered</th><th>Not covered</th></tr></thead><tbody>");
        for c in &covered {
            let here = if c.covered.iter().any(|x| x.id == s.id) {
                "yes"
            } else {
                "<strong>no</strong>"
            };
            let mut missed: Vec<String> = c
                .missed
                .iter()
                .take(dossier_report::MISSED_SHOWN)
                .map(|m| format!("<a href=\"/stories/{}\">{}</a>", enc(&m.id), esc(&m.title)))
                .collect();
            if c.missed.len() > dossier_report::MISSED_SHOWN {
                let more = c.missed.len() - dossier_report::MISSED_SHOWN;
                missed.push(format!("and {more} more"));
            }
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{here}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.outlet),
                esc(&dossier_report::coverage_line(c).0),
                missed.join(", ")
            );
        }
        o.push_str("</tbody></table>");
    }
    // Who each outlet quotes over the whole storyline.
    if let Some(l) = storyline.filter(|l| l.stories.len() > 1 && !l.sourcing.is_empty()) {
        sourcing_table(
            &mut o,
            "line-sourcing",
            "Sourcing across the storyline",
            &l.sourcing,
        );
    }
    // How each outlet's words differ across the storyline, each term
    // opening onto the sentences that use it.
    if let Some(l) = storyline.filter(|l| !l.wording.is_empty()) {
        let _ = write!(
            o,
            "<h2 id=\"wording\">Wording across the storyline</h2><p class=\"meta\">{}.</p><table class=\"wording\"><thead><tr><th>Outlet</th><th>Distinctive words</th></tr></thead><tbody>",
            esc(dossier_report::WORDING_NOTE)
        );
        for w in &l.wording {
            o.push_str(&dossier_report::wording_row_html(w, |src| {
                source_link(&src.document, src.start, &src.outlet)
            }));
        }
        o.push_str("</tbody></table>");
    }
    o
}

async fn story(State(app): State<Arc<App>>, Path(id): Path<String>) -> PageResult {
    Ok(blocking(move || {
        let g = app.grouping();
        let &i = g
            .story_ix
            .get(&id)
            .ok_or_else(|| ApiError::not_found(format!("No story {id}.")))?;
        let s = &g.stories[i];
        let docs = {
            let store = app.store();
            s.documents
                .iter()
                .map(|d| store.document(d))
                .collect::<Result<Vec<_>, _>>()?
        };
        let line = g.storyline_ix.get(&s.storyline).map(|&k| &g.storylines[k]);
        let line_stories: Vec<&Story> = line
            .map(|l| {
                l.stories
                    .iter()
                    .filter_map(|id| g.story_ix.get(id).map(|&k| &g.stories[k]))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Html(page(
            &s.title,
            "",
            &story_page(s, &docs, line, &line_stories),
        )))
    })
    .await?)
}

async fn document(State(app): State<Arc<App>>, Path(id): Path<String>) -> PageResult {
    Ok(blocking(move || {
        let d = app.document(&id)?.ok_or_else(|| ApiError::not_found(format!("No document {id}.")))?;
        let g = app.grouping();
        let title = d.title.clone().unwrap_or_else(|| "(no title)".into());
        let outlet = d.outlet();
        let mut o = format!("<h1>{}</h1><p class=\"meta\"><a href=\"/outlets/{}\">{}</a> · {}", esc(&title), enc(&outlet), esc(&outlet), esc(&dossier_report::date_label(&d)));
        if let Some(b) = &d.byline {
            let _ = write!(o, " · {}", esc(b));
        }
        if let Some(u) = &d.url {
            // Shown, not linked: following it would leave the machine.
            let _ = write!(o, " · <code>{}</code>", esc(u));
        }
        o.push_str("</p>");
        if let Some(est) = &d.date_estimate {
            let _ = write!(o, "<p class=\"meta\">Date estimated: {}</p>", esc(&est.basis));
        }
        for &k in g.doc_stories.get(&d.id).into_iter().flatten() {
            let _ = write!(o, "<p>In story: <a href=\"/stories/{}\">{}</a></p>", enc(&g.stories[k].id), esc(&g.stories[k].title));
        }
        if let Some(sf) = &d.standfirst {
            let _ = write!(o, "<p><em>{}</em></p>", esc(sf));
        }
        let _ = write!(
            o,
            "<p class=\"legend\" aria-label=\"Legend\"><span class=\"e-per\">person</span><span class=\"e-org\">organization</span><span class=\"e-loc\">place</span><span class=\"e-misc\">other name</span><span class=\"q\">quote</span><span class=\"anon-q\">anonymous quote</span><span class=\"attr\">attributed position</span><span class=\"fig\">figure</span><span class=\"tx\">time</span></p>\
<p class=\"meta\">{} entities, {} quotes, {} figures, {} time expressions.</p>",
            d.entities.len(),
            d.quotes.len(),
            d.figures.len(),
            d.times.len()
        );
        o.push_str(&annotated_text(&d));
        o.push_str("<h2 id=\"removed\">Removed from the original</h2>");
        if d.removed.is_empty() {
            o.push_str("<p class=\"muted\">Nothing was removed.</p>");
        } else {
            o.push_str("<table class=\"removed\"><thead><tr><th>Why</th><th>Text</th></tr></thead><tbody>");
            for r in &d.removed {
                let _ = write!(o, "<tr><td>{}</td><td>{}</td></tr>", esc(&r.reason), esc(&r.text));
            }
            o.push_str("</tbody></table>");
        }
        let _ = write!(o, "<p><a href=\"/api/documents/{}\">This document as JSON</a></p>", enc(&d.id));
        Ok(Html(page(&title, "", &o)))
    })
    .await?)
}

fn named_list(title: &str, base: &str, items: &[dossier_search::FacetCount]) -> String {
    let mut o = format!("<h1>{}</h1><table><thead><tr><th>Name</th><th>Kind</th><th>Reports</th></tr></thead><tbody>", esc(title));
    for c in items {
        let _ = write!(
            o,
            "<tr><td><a href=\"{base}{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
            enc(&c.value),
            esc(&c.value),
            esc(c.label.as_deref().unwrap_or("")),
            c.count
        );
    }
    o.push_str("</tbody></table>");
    o
}

async fn entities(State(app): State<Arc<App>>) -> PageResult {
    Ok(blocking(move || {
        Ok(Html(page(
            "Entities",
            "",
            &named_list("Entities", "/entities/", &app.index.entities(200)?),
        )))
    })
    .await?)
}

async fn outlets(State(app): State<Arc<App>>) -> PageResult {
    Ok(blocking(move || {
        Ok(Html(page(
            "Outlets",
            "",
            &named_list("Outlets", "/outlets/", &app.index.outlets(500)?),
        )))
    })
    .await?)
}

fn profile_page(kind: &str, p: &Profile, search_link: &str) -> String {
    let mut o = format!("<h1>{}</h1><p class=\"meta\">{kind} · {} report{} · <a href=\"/search?{search_link}\">search these reports</a></p>", esc(&p.name), p.documents, if p.documents == 1 { "" } else { "s" });
    if let Some(a) = &p.attention {
        o.push_str(&chart(&a.overall, "Reports per day"));
    }
    o.push_str("<div class=\"layout\"><section><h2>Stories</h2>");
    o.push_str(&story_list(&p.stories));
    o.push_str("<h2>Latest reports</h2><ul class=\"results\">");
    for h in &p.recent {
        let _ = write!(
            o,
            "<li><a href=\"/documents/{}\">{}</a> <span class=\"meta\">{} · {}</span></li>",
            enc(&h.id),
            esc(&h.title.text),
            esc(&h.outlet),
            esc(h.published.as_deref().unwrap_or("undated"))
        );
    }
    o.push_str("</ul></section><aside>");
    if let Some(f) = &p.facets {
        o.push_str("<h2>Outlets</h2><ul>");
        for c in &f.outlets {
            let _ = write!(
                o,
                "<li><a href=\"/outlets/{}\">{}</a> <span class=\"muted\">{}</span></li>",
                enc(&c.value),
                esc(&c.value),
                c.count
            );
        }
        o.push_str("</ul><h2>Entities</h2><ul>");
        for c in f.entities.iter().filter(|c| c.value != p.name) {
            let _ = write!(
                o,
                "<li><a href=\"/entities/{}\">{}</a> <span class=\"muted\">{}</span></li>",
                enc(&c.value),
                esc(&c.value),
                c.count
            );
        }
        o.push_str("</ul>");
    }
    o.push_str("</aside></div>");
    o
}

async fn entity(State(app): State<Arc<App>>, Path(name): Path<String>) -> PageResult {
    Ok(blocking(move || {
        let p = profile(&app, entity_request(&name), name.clone())?;
        Ok(Html(page(
            &name,
            "",
            &profile_page("Entity", &p, &format!("entity={}", enc(&name))),
        )))
    })
    .await?)
}

async fn outlet(State(app): State<Arc<App>>, Path(name): Path<String>) -> PageResult {
    Ok(blocking(move || {
        let p = profile(&app, outlet_request(&name), name.clone())?;
        Ok(Html(page(
            &name,
            "",
            &profile_page("Outlet", &p, &format!("outlet={}", enc(&name))),
        )))
    })
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_model::{KeyDate, SourceRef, SummarySentence};

    fn story(id: &str) -> Story {
        Story {
            id: id.into(),
            title: "Talks".into(),
            storyline: "l".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_story_page_shows_its_storylines_key_dates_linked_to_sources() {
        let mut line = Storyline {
            id: "l".into(),
            title: "Gaza truce".into(),
            stories: vec!["a".into(), "b".into()],
            timeline: vec![KeyDate {
                date: "2025-01-19".into(),
                score: 4.0,
                mentioned_by: 3,
                published: 1,
                sentences: vec![SummarySentence {
                    text: "The truce <began> on Sunday.".into(),
                    source: SourceRef {
                        document: "d1".into(),
                        outlet: "Wire".into(),
                        start: 42,
                        end: 70,
                    },
                }],
            }],
            ..Default::default()
        };
        let page = story_page(&story("a"), &[], Some(&line), &[]);
        assert!(page.contains("Storyline key dates"), "{page}");
        assert!(
            page.contains("<td>2025-01-19</td><td>The truce &lt;began&gt; on Sunday.</td>"),
            "{page}"
        );
        assert!(page.contains("href=\"/documents/d1#s42\""), "{page}");
        // a storyline of one story adds nothing to the story's own timeline
        line.stories.truncate(1);
        assert!(!story_page(&story("a"), &[], Some(&line), &[]).contains("Storyline key dates"));
    }

    #[test]
    fn a_story_page_shows_which_outlets_covered_the_storyline() {
        let line = Storyline {
            id: "l".into(),
            title: "Gaza truce".into(),
            stories: vec!["a".into(), "b".into()],
            ..Default::default()
        };
        let mut a = story("a");
        a.outlets = vec!["Wire".into()];
        let mut b = story("b");
        b.title = "Truce <signed>".into();
        b.outlets = vec!["Wire".into(), "Daily".into()];
        let page = story_page(&a, &[], Some(&line), &[&a, &b]);
        assert!(page.contains("id=\"coverage\""), "{page}");
        assert!(
            page.contains("<tr><td>Wire</td><td>yes</td><td>2 of 2 stories</td><td></td></tr>"),
            "{page}"
        );
        assert!(
            page.contains("<tr><td>Daily</td><td><strong>no</strong></td><td>1 of 2 stories</td><td><a href=\"/stories/a\">Talks</a></td></tr>"),
            "{page}"
        );
        // without the storyline's stories there is nothing to compare
        assert!(!story_page(&a, &[], Some(&line), &[&a]).contains("id=\"coverage\""));
    }

    #[test]
    fn a_story_page_shows_each_outlets_words_with_the_sentences_behind_them() {
        let mut line = Storyline {
            id: "l".into(),
            title: "Gaza truce".into(),
            stories: vec!["a".into(), "b".into()],
            ..Default::default()
        };
        let a = story("a");
        assert!(!story_page(&a, &[], Some(&line), &[&a]).contains("id=\"wording\""));
        line.wording = vec![dossier_model::OutletWording {
            outlet: "Daily".into(),
            documents: 3,
            terms: vec![dossier_model::DistinctiveTerm {
                term: "terror group".into(),
                z: 3.1,
                count: 9,
                others: 0,
                sentences: vec![dossier_model::SummarySentence {
                    text: "The terror group <fired>.".into(),
                    source: dossier_model::SourceRef {
                        document: "d 1".into(),
                        outlet: "Daily".into(),
                        start: 40,
                        end: 65,
                    },
                }],
            }],
        }];
        line.sourcing = vec![dossier_model::OutletSourcing {
            outlet: "Daily".into(),
            quotes: 2,
            named: 2,
            ..Default::default()
        }];
        let page = story_page(&a, &[], Some(&line), &[&a]);
        assert!(page.contains("id=\"wording\""), "{page}");
        assert!(page.contains("<tr><td>Daily (3 reports)</td><td class=\"terms\"><details><summary>“terror group” ×9 (others ×0) <span class=\"src\">z 3.1</span></summary><ul><li>The terror group &lt;fired&gt;. <a class=\"src\" href=\"/documents/d%201#s40\">Daily</a></li></ul></details></td></tr>"), "{page}");
        assert!(page.contains("id=\"line-sourcing\""), "{page}");
    }
}
