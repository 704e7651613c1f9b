//! Ingest over the API: `POST /api/documents` with a bearer token. The
//! body is `{"documents": [RECORD, ...]}`, each record as in JSONL input
//! (`text` or `html`, with optional `url`, `title`, `published`, `source`,
//! `byline`). Records run through extraction and annotation, are stored,
//! indexed, and the stories are regrouped.
//!
//! A record with only a `url` is refused: this server fetches nothing
//! (no request leaves the machine); fetch first, then post the page as
//! `html` with its `url`.

use crate::api::authorize;
use crate::{blocking, ApiError, App};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use dossier_ingest::records::{record_to_pending, Record};
use dossier_store::PutOutcome;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
pub(crate) struct IngestBody {
    documents: Vec<serde_json::Value>,
}

#[derive(Serialize)]
pub(crate) struct Failure {
    index: usize,
    error: String,
}

#[derive(Serialize)]
pub(crate) struct IngestResult {
    stored: usize,
    already_stored: usize,
    /// Ids of the documents read, stored now or before, in input order.
    ids: Vec<String>,
    failed: Vec<Failure>,
}

/// Most records accepted in one request.
const MAX_RECORDS: usize = 1000;

pub(crate) async fn post_documents(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Json<IngestBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<IngestResult>), ApiError> {
    authorize(&app, &headers)?;
    let Json(body) =
        body.map_err(|e| ApiError::new(e.status(), format!("request body: {}", e.body_text())))?;
    if body.documents.is_empty() {
        return Err(ApiError::bad_request("`documents` is empty"));
    }
    if body.documents.len() > MAX_RECORDS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("at most {MAX_RECORDS} documents per request"),
        ));
    }
    let _one_at_a_time = app.ingest_lock.lock().await;
    let worker = app.clone();
    blocking(move || ingest(&worker, body.documents)).await
}

fn ingest(
    app: &App,
    records: Vec<serde_json::Value>,
) -> Result<(StatusCode, Json<IngestResult>), ApiError> {
    let pipeline = app
        .pipeline
        .get_or_init(dossier_nlp::Pipeline::new)
        .as_ref()
        .map_err(|e| ApiError::internal(format!("loading models: {e}")))?;
    let mut failed = Vec::new();
    let mut docs = Vec::new();
    for (index, value) in records.into_iter().enumerate() {
        let rec: Record = match serde_json::from_value(value) {
            Ok(r) => r,
            Err(e) => {
                failed.push(Failure {
                    index,
                    error: format!("not a record: {e}"),
                });
                continue;
            }
        };
        if rec.text.is_none() && rec.html.is_none() && rec.url.is_some() {
            failed.push(Failure {
                index,
                error: "a bare URL is not fetched: post the page as `html` with its `url`".into(),
            });
            continue;
        }
        let item = dossier_ingest::extract(record_to_pending(format!("api[{index}]"), None, rec));
        match item.result {
            Ok(mut d) => {
                pipeline.annotate(&mut d);
                docs.push(d);
            }
            Err(e) => failed.push(Failure {
                index,
                error: e.to_string(),
            }),
        }
    }
    let mut result = IngestResult {
        stored: 0,
        already_stored: 0,
        ids: docs.iter().map(|d| d.id.clone()).collect(),
        failed,
    };
    if !docs.is_empty() {
        let mut store = app.store();
        for o in store.put_documents(&docs)? {
            match o {
                PutOutcome::Stored => result.stored += 1,
                PutOutcome::AlreadyStored => result.already_stored += 1,
            }
        }
        // A grouping over fewer documents than are stored means an earlier
        // request stored its documents but did not finish grouping and
        // indexing them: a retry, storing nothing new, finishes the work.
        let unfinished =
            result.stored == 0 && store.grouping_documents()? != Some(store.count_documents()?);
        if result.stored > 0 || unfinished {
            // Group as `dossier ingest` does: the stored stories are kept
            // and the new documents join or open stories.
            crate::regroup(&mut **store, crate::Regroup::Extend)?;
            drop(store);
            app.index.add(&docs)?;
            app.reload_grouping()?;
        }
    }
    let status = if result.ids.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(result)))
}
