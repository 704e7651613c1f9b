//! The JSON API under `/api`.

use crate::{blocking, ApiError, App};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use dossier_model::{Document, Story, Storyline};
use dossier_search::{DayRange, SearchRequest, Sort};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The OpenAPI description served at `/api/openapi.json`; a test checks it
/// against the routes and the answers.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every API route as (method, path in OpenAPI form); the router is built
/// from the same handlers, and a test checks this list against the OpenAPI
/// document.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("get", "/api/openapi.json"),
    ("get", "/api/search"),
    ("get", "/api/attention"),
    ("get", "/api/stories"),
    ("get", "/api/stories/{id}"),
    ("get", "/api/storylines"),
    ("get", "/api/storylines/{id}"),
    ("get", "/api/documents"),
    ("post", "/api/documents"),
    ("get", "/api/documents/{id}"),
    ("get", "/api/entities"),
    ("get", "/api/entities/{name}"),
    ("get", "/api/outlets"),
    ("get", "/api/outlets/{name}"),
];

/// `Query` whose rejection is a JSON error (400) like every other API error.
pub(crate) struct Q<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Q(v))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/search", get(search))
        .route("/api/attention", get(attention))
        .route("/api/stories", get(stories))
        .route("/api/stories/{id}", get(story))
        .route("/api/storylines", get(storylines))
        .route("/api/storylines/{id}", get(storyline))
        .route(
            "/api/documents",
            get(documents).post(crate::ingest::post_documents),
        )
        .route("/api/documents/{id}", get(document))
        .route("/api/entities", get(entities))
        .route("/api/entities/{name}", get(entity))
        .route("/api/outlets", get(outlets))
        .route("/api/outlets/{name}", get(outlet))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API endpoint; see /api/openapi.json")
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    documents: usize,
    indexed: u64,
    stories: usize,
}

async fn health(State(app): State<Arc<App>>) -> Result<Json<Health>, ApiError> {
    blocking(move || {
        let g = app.grouping();
        Ok(Json(Health {
            status: "ok",
            documents: app.store().count_documents()?,
            indexed: app.index.num_docs(),
            stories: g.stories.len(),
        }))
    })
    .await
}

/// Paging parameters shared by list endpoints.
#[derive(Deserialize, Default, Debug)]
pub(crate) struct Page {
    pub offset: Option<usize>,
    pub limit: Option<usize>,
}

impl Page {
    pub fn resolve(&self, app: &App, default: usize) -> (usize, usize) {
        (
            self.offset.unwrap_or(0),
            self.limit.unwrap_or(default).clamp(1, app.limits.max_page),
        )
    }
}

#[derive(Serialize)]
pub(crate) struct List<T> {
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub items: Vec<T>,
}

impl<T> List<T> {
    /// The page `offset..offset + limit` of `all`, each item made by `f`;
    /// `total` counts every item there is.
    fn page<S>(
        all: impl IntoIterator<Item = S>,
        total: usize,
        (offset, limit): (usize, usize),
        f: impl FnMut(S) -> T,
    ) -> List<T> {
        let items = all.into_iter().skip(offset).take(limit).map(f).collect();
        List {
            total,
            offset,
            limit,
            items,
        }
    }
}

/// The item with `id` in `all`, found through `ix`, or a 404 naming `what`.
fn by_id<T: Clone>(
    ix: &std::collections::HashMap<String, usize>,
    all: &[T],
    id: &str,
    what: &str,
) -> Result<Json<T>, ApiError> {
    ix.get(id)
        .map(|&i| Json(all[i].clone()))
        .ok_or_else(|| ApiError::not_found(format!("no {what} {id}")))
}

/// Search parameters (shared by `/api/search`, `/api/attention` and the
/// search page).
#[derive(Deserialize, Default, Debug, Clone)]
pub(crate) struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub outlet: Option<String>,
    pub entity: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub sort: Option<String>,
    pub offset: Option<usize>,
    pub limit: Option<usize>,
    pub facets: Option<bool>,
    pub attention: Option<bool>,
}

impl SearchParams {
    pub fn request(&self, app: &App, default_limit: usize) -> Result<SearchRequest, ApiError> {
        let date = |v: &Option<String>, end: bool| -> Result<Option<i64>, ApiError> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => dossier_search::query::period(s)
                    .map(|(a, b)| Some(if end { b } else { a }))
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "date `{s}` not understood: write YYYY, YYYY-MM or YYYY-MM-DD"
                        ))
                    }),
            }
        };
        let sort = match self.sort.as_deref().unwrap_or("relevance") {
            "relevance" | "" => Sort::Relevance,
            "date" => Sort::Date,
            "date_asc" => Sort::DateAsc,
            other => {
                return Err(ApiError::bad_request(format!(
                    "sort `{other}` not known: relevance, date or date_asc"
                )))
            }
        };
        if self.q.len() > 2000 {
            return Err(ApiError::bad_request("query longer than 2000 bytes"));
        }
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        Ok(SearchRequest {
            q: self.q.clone(),
            outlet: nonempty(&self.outlet),
            entity: nonempty(&self.entity),
            dates: DayRange {
                from: date(&self.from, false)?,
                to: date(&self.to, true)?,
            },
            sort,
            offset: self.offset.unwrap_or(0).min(100_000),
            limit: self
                .limit
                .unwrap_or(default_limit)
                .clamp(1, app.limits.max_page),
            facets: self.facets.unwrap_or(true),
            attention: self.attention.unwrap_or(false),
            facet_size: 20,
        })
    }
}

async fn search(
    State(app): State<Arc<App>>,
    Q(p): Q<SearchParams>,
) -> Result<impl IntoResponse, ApiError> {
    blocking(move || {
        let req = p.request(&app, 20)?;
        Ok(Json(app.index.search(&req)?))
    })
    .await
}

async fn attention(
    State(app): State<Arc<App>>,
    Q(p): Q<SearchParams>,
) -> Result<impl IntoResponse, ApiError> {
    blocking(move || {
        let mut req = p.request(&app, 1)?;
        req.limit = 1;
        req.facets = false;
        req.attention = true;
        let r = app.index.search(&req)?;
        Ok(Json(serde_json::json!({ "total": r.total, "attention": r.attention, "warnings": r.warnings })))
    })
    .await
}

/// A story in a list: what a reader needs to pick it.
#[derive(Serialize)]
pub(crate) struct StoryItem {
    pub id: String,
    pub title: String,
    pub storyline: String,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub outlets: Vec<String>,
    pub documents: usize,
}

impl StoryItem {
    pub fn of(s: &Story) -> Self {
        StoryItem {
            id: s.id.clone(),
            title: s.title.clone(),
            storyline: s.storyline.clone(),
            first_date: s.first_date.clone(),
            last_date: s.last_date.clone(),
            outlets: s.outlets.clone(),
            documents: s.documents.len(),
        }
    }
}

async fn stories(
    State(app): State<Arc<App>>,
    Q(p): Q<Page>,
) -> Result<Json<List<StoryItem>>, ApiError> {
    blocking(move || {
        let g = app.grouping();
        Ok(Json(List::page(
            &g.latest,
            g.stories.len(),
            p.resolve(&app, 20),
            |&i| StoryItem::of(&g.stories[i]),
        )))
    })
    .await
}

async fn story(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Story>, ApiError> {
    blocking(move || {
        let g = app.grouping();
        by_id(&g.story_ix, &g.stories, &id, "story")
    })
    .await
}

#[derive(Serialize)]
struct StorylineItem {
    id: String,
    title: String,
    stories: usize,
}

async fn storylines(
    State(app): State<Arc<App>>,
    Q(p): Q<Page>,
) -> Result<Json<List<StorylineItem>>, ApiError> {
    blocking(move || {
        let g = app.grouping();
        Ok(Json(List::page(
            &g.storylines,
            g.storylines.len(),
            p.resolve(&app, 20),
            |l| StorylineItem {
                id: l.id.clone(),
                title: l.title.clone(),
                stories: l.stories.len(),
            },
        )))
    })
    .await
}

async fn storyline(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Storyline>, ApiError> {
    blocking(move || {
        let g = app.grouping();
        by_id(&g.storyline_ix, &g.storylines, &id, "storyline")
    })
    .await
}

#[derive(Serialize)]
struct DocumentItem {
    id: String,
    title: String,
    outlet: String,
    published: Option<String>,
}

/// Documents, newest first (from the index: no document is decoded).
async fn documents(
    State(app): State<Arc<App>>,
    Q(p): Q<Page>,
) -> Result<Json<List<DocumentItem>>, ApiError> {
    blocking(move || {
        let (offset, limit) = p.resolve(&app, 20);
        let r = app.index.search(&SearchRequest {
            sort: Sort::Date,
            offset,
            limit,
            ..Default::default()
        })?;
        let items = r
            .hits
            .into_iter()
            .map(|h| DocumentItem {
                id: h.id,
                title: h.title.text,
                outlet: h.outlet,
                published: h.published,
            })
            .collect();
        Ok(Json(List {
            total: r.total,
            offset,
            limit,
            items,
        }))
    })
    .await
}

async fn document(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Document>, ApiError> {
    blocking(move || {
        app.document(&id)?
            .map(Json)
            .ok_or_else(|| ApiError::not_found(format!("no document {id}")))
    })
    .await
}

#[derive(Serialize)]
struct NamedCount {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    documents: u64,
}

async fn entities(
    State(app): State<Arc<App>>,
    Q(p): Q<Page>,
) -> Result<Json<List<NamedCount>>, ApiError> {
    blocking(move || named_counts(&app, p, dossier_search::Index::entities)).await
}

async fn outlets(
    State(app): State<Arc<App>>,
    Q(p): Q<Page>,
) -> Result<Json<List<NamedCount>>, ApiError> {
    blocking(move || named_counts(&app, p, dossier_search::Index::outlets)).await
}

/// A page of the index's most frequent entities or outlets (`top` gives the
/// first N). The total is what is known without counting them all: the
/// items up to the end of this page.
fn named_counts(
    app: &App,
    p: Page,
    top: fn(
        &dossier_search::Index,
        usize,
    ) -> dossier_search::Result<Vec<dossier_search::FacetCount>>,
) -> Result<Json<List<NamedCount>>, ApiError> {
    let (offset, limit) = p.resolve(app, 50);
    let all = top(&app.index, offset + limit)?;
    let total = all.len().max(offset);
    Ok(Json(List::page(all, total, (offset, limit), |f| {
        NamedCount {
            name: f.value,
            label: f.label,
            documents: f.count,
        }
    })))
}

/// What the store and index know about one entity or outlet.
#[derive(Serialize)]
pub(crate) struct Profile {
    pub name: String,
    pub documents: usize,
    pub facets: Option<dossier_search::Facets>,
    pub attention: Option<dossier_search::Attention>,
    pub recent: Vec<dossier_search::Hit>,
    pub stories: Vec<StoryItem>,
}

pub(crate) fn profile(app: &App, req: SearchRequest, name: String) -> Result<Profile, ApiError> {
    let r = app.index.search(&req)?;
    if r.total == 0 {
        return Err(ApiError::not_found(format!("nothing indexed for {name}")));
    }
    let g = app.grouping();
    let mut story_ids: Vec<usize> = Vec::new();
    for h in &r.hits {
        for &i in g.doc_stories.get(&h.id).into_iter().flatten() {
            if !story_ids.contains(&i) {
                story_ids.push(i);
            }
        }
    }
    Ok(Profile {
        name,
        documents: r.total,
        facets: r.facets,
        attention: r.attention,
        recent: r.hits,
        stories: story_ids
            .into_iter()
            .map(|i| StoryItem::of(&g.stories[i]))
            .collect(),
    })
}

pub(crate) fn entity_request(name: &str) -> SearchRequest {
    SearchRequest {
        entity: Some(name.to_string()),
        sort: Sort::Date,
        limit: 20,
        facets: true,
        attention: true,
        facet_size: 15,
        ..Default::default()
    }
}

pub(crate) fn outlet_request(name: &str) -> SearchRequest {
    SearchRequest {
        outlet: Some(name.to_string()),
        sort: Sort::Date,
        limit: 20,
        facets: true,
        attention: true,
        facet_size: 15,
        ..Default::default()
    }
}

async fn entity(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    blocking(move || Ok(Json(profile(&app, entity_request(&name), name)?))).await
}

async fn outlet(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    blocking(move || Ok(Json(profile(&app, outlet_request(&name), name)?))).await
}

/// The token check for write endpoints: `Authorization: Bearer TOKEN`.
pub(crate) fn authorize(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = &app.token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ingest over the API is disabled: start the server with --token (or DOSSIER_TOKEN)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compare in time independent of where the strings differ.
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token",
        ))
    }
}
