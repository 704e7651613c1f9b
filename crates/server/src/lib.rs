//! Dossier's HTTP server: a JSON API (`/api/...`, described by the OpenAPI
//! document at `/api/openapi.json`) and a web UI of server-rendered pages,
//! both from one binary with every asset embedded, so no request leaves
//! the machine.
//!
//! Reads go to the store (documents, stories, storylines) and the
//! full-text index (search, facets, attention, entity and outlet pages).
//! Ingest over the API (`POST /api/documents`) runs the same pipeline as
//! `dossier ingest` and is allowed only with the bearer token the server
//! was started with.
//!
//! Every piece of article text is untrusted: pages escape it, and the
//! Content-Security-Policy forbids scripts altogether.

mod api;
mod grouping;
mod html;
mod ingest;
mod ui;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use dossier_model::{Document, Story, Storyline};
use dossier_search::Index;
use dossier_store::Store;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

pub use api::OPENAPI;
pub use grouping::{regroup, Regroup, Regrouped};

/// Limits that protect the server from heavy or hostile requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Longest time one request may take.
    pub timeout: Duration,
    /// Largest page of results.
    pub max_page: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 16 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            max_page: 100,
        }
    }
}

/// Stories and storylines as last read from the store, with lookups.
#[derive(Default)]
pub(crate) struct Grouping {
    pub stories: Vec<Story>,
    pub story_ix: HashMap<String, usize>,
    pub storylines: Vec<Storyline>,
    pub storyline_ix: HashMap<String, usize>,
    /// Story indexes, latest first (by last date, undated last).
    pub latest: Vec<usize>,
    /// Story ids holding each document.
    pub doc_stories: HashMap<String, Vec<usize>>,
    /// Document count when read, to notice writes by other processes.
    pub documents: usize,
}

impl Grouping {
    fn read(store: &dyn Store) -> dossier_store::Result<Self> {
        let stories = store.stories()?;
        let storylines = store.storylines()?;
        let story_ix = stories
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let storyline_ix = storylines
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut latest: Vec<usize> = (0..stories.len()).collect();
        latest.sort_by(|&a, &b| {
            let (x, y) = (&stories[a], &stories[b]);
            let key = |s: &Story| s.last_date.clone().or(s.first_date.clone());
            key(y)
                .cmp(&key(x))
                .then_with(|| y.documents.len().cmp(&x.documents.len()))
                .then_with(|| x.id.cmp(&y.id))
        });
        let mut doc_stories: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in stories.iter().enumerate() {
            for d in s.documents.iter().chain(s.duplicates.iter().flatten()) {
                let v = doc_stories.entry(d.clone()).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        Ok(Grouping {
            stories,
            story_ix,
            storylines,
            storyline_ix,
            latest,
            doc_stories,
            documents: store.count_documents()?,
        })
    }
}

/// Everything a request handler needs.
pub struct App {
    pub(crate) store: Mutex<Box<dyn Store + Send>>,
    pub(crate) index: Index,
    pub(crate) grouping: RwLock<Arc<Grouping>>,
    pub(crate) token: Option<String>,
    pub(crate) limits: Limits,
    pub(crate) pipeline: OnceLock<Result<dossier_nlp::Pipeline, String>>,
    /// Serializes ingest requests (annotation, store write, regrouping).
    pub(crate) ingest_lock: tokio::sync::Mutex<()>,
    checked: Mutex<Instant>,
}

impl App {
    /// Wire a store and its index. `token`: the bearer token that allows
    /// ingest over the API (none: ingest over the API is refused).
    pub fn new(
        store: Box<dyn Store + Send>,
        index: Index,
        token: Option<String>,
        limits: Limits,
    ) -> anyhow::Result<Arc<Self>> {
        let grouping = Grouping::read(&*store)?;
        Ok(Arc::new(App {
            store: Mutex::new(store),
            index,
            grouping: RwLock::new(Arc::new(grouping)),
            token: token.filter(|t| !t.is_empty()),
            limits,
            pipeline: OnceLock::new(),
            ingest_lock: tokio::sync::Mutex::new(()),
            checked: Mutex::new(Instant::now()),
        }))
    }

    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, Box<dyn Store + Send>> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The grouping, re-read when another process changed the store (checked
    /// at most every few seconds).
    pub(crate) fn grouping(&self) -> Arc<Grouping> {
        let due = {
            let mut checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
            let due = checked.elapsed() > Duration::from_secs(5);
            if due {
                *checked = Instant::now();
            }
            due
        };
        if due {
            let known = self
                .grouping
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .documents;
            let now = self.store().count_documents().unwrap_or(known);
            if now != known {
                let _ = self.reload_grouping();
            }
        }
        self.grouping
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn reload_grouping(&self) -> dossier_store::Result<()> {
        let fresh = Grouping::read(&**self.store())?;
        *self.grouping.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(fresh);
        Ok(())
    }

    pub(crate) fn document(&self, id: &str) -> dossier_store::Result<Option<Document>> {
        self.store().document(id)
    }
}

/// An error as the API reports it: a status code and a JSON body
/// `{"error": {"status": 404, "message": "..."}}` (HTML for UI pages).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, m)
    }
    pub fn internal(m: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {m}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {m}"),
        )
    }
}

impl From<dossier_store::StoreError> for ApiError {
    fn from(e: dossier_store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

impl From<dossier_search::SearchError> for ApiError {
    fn from(e: dossier_search::SearchError) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "status": self.status.as_u16(), "message": self.message } });
        (self.status, axum::Json(body)).into_response()
    }
}

/// Run blocking work (store, index) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

/// The Content-Security-Policy of every response: no scripts, no frames,
/// nothing from another origin.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The whole application: API, UI and the layers that limit requests.
pub fn router(app: Arc<App>) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer;
    let limits = app.limits;
    Router::new()
        .merge(api::routes())
        .merge(ui::routes())
        .with_state(app)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            limits.max_body,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.timeout,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Bind and serve until Ctrl-C. Returns the bound address through
/// `on_bound` (useful with port 0).
pub async fn serve(
    app: Arc<App>,
    addr: SocketAddr,
    on_bound: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Every API route as (method, path in OpenAPI form), as the OpenAPI
/// document must list them.
pub fn api_routes() -> &'static [(&'static str, &'static str)] {
    api::ROUTES
}
