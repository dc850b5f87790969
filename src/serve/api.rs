//! The router: every route of the server in one place, the handlers that change the round
//! (`POST /forms`, `POST /convert`), and the layers every response passes (compression, the
//! guard: token, session and same-origin check; the security headers, the body limit, the
//! access log). The handlers that only read are in `read.rs`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use tower_http::set_header::SetResponseHeaderLayer;

use super::auth::{self, Guard};
use super::budget::Budget;
use super::forms::{FormResult, Forms, refused_name};
use super::problem::{self, Problem};
use super::upload::{self, Files};
use super::{archive, changes, codes, compress, events, log, openapi, read, session};

/// What every handler shares.
pub struct App {
    /// The conversion side: workers, the output folder, the configuration.
    pub forms: Arc<Forms>,
    /// Largest file accepted, in bytes (`--max-file-size`).
    pub max_file: u64,
    /// What the uploads in memory may take together (`--upload-memory`).
    pub budget: Budget,
    /// How many forms are converted at once, and so read ahead of one request.
    pub workers: usize,
    /// The clock: the status's time.
    pub clock: fn() -> std::time::SystemTime,
    /// The earlier round (`--previous`), the changes are read from.
    pub previous: Option<blankett::Round>,
}

/// The API's routes, under this prefix.
pub const API: &str = "/api/v1";

/// The Content-Security-Policy of every response: nothing from elsewhere, never in a frame.
const CSP: &str = "default-src 'self'; frame-ancestors 'none'";

/// The server's routes and layers.
pub fn router(app: Arc<App>, guard: Arc<Guard>, log: log::Format) -> Router {
    let limit = usize::try_from(upload::max_request(app.max_file)).unwrap_or(usize::MAX);
    let since = app
        .previous
        .as_ref()
        .map(|p| blankett::changes_since(p.round));
    let api = Router::new()
        .route("/forms", post(post_forms))
        .route(
            "/convert",
            post(post_convert).layer(middleware::map_response(compress::uncompressed)),
        )
        .route("/submissions", get(read::submissions))
        .route("/submissions/{id}", get(read::submission))
        .route("/submissions.zip", get(archive::submissions_zip))
        .route("/round", get(read::round))
        .route("/round.csv", get(read::round_csv))
        .route("/round.xlsx", get(read::round_xlsx))
        .route("/round.md", get(read::round_md))
        .route("/round.docx", get(read::round_docx))
        .route("/changes", get(changes::changes))
        .route("/changes.xlsx", get(changes::changes_xlsx))
        .route("/changes.md", get(changes::changes_md))
        .route("/changes.docx", get(changes::changes_docx))
        .route("/status", get(read::status))
        .route("/codes", get(codes::codes))
        .route("/events", get(events::events))
        .route("/openapi.json", get(openapi::document))
        .route("/schemas/{name}", get(openapi::schema));
    Router::new()
        .nest(API, api)
        .merge(super::page::routes(guard.token().is_some(), since))
        .route("/healthz", get(healthz))
        .merge(session::routes(guard.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
        .layer(compress::layer())
        .layer(middleware::map_response(compress::weak_etag_when_encoded))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(guard, auth::guard))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(middleware::from_fn_with_state(log, log::access))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn not_found(req: Request) -> Problem {
    Problem::not_found(format!("no such resource: {}", req.uri().path()))
}

async fn method_not_allowed(req: Request) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
}

/// `?filename=` of a raw upload.
#[derive(Deserialize)]
pub struct RawName {
    filename: Option<String>,
}

/// One file's outcome among several.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Outcome {
    file: String,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<FormResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<Problem>,
}

/// `POST /forms`: converts and stores each file; one file answers `201` or its problem,
/// several `207` with an outcome per file, in the order sent. A problem that ends the request
/// (a file over the limit, or over the memory uploads may take) is the answer when no file
/// came before it, else the last outcome.
async fn post_forms(
    State(app): State<Arc<App>>,
    Query(q): Query<RawName>,
    req: Request,
) -> Response {
    let files = match Files::open(req, app.max_file, &app.budget, q.filename).await {
        Ok(f) => f,
        Err(p) => return p.into_response(),
    };
    let (mut results, stopped) = store_each(&app, files).await;
    let busy = stopped
        .as_ref()
        .is_some_and(|p| p.status_code() == StatusCode::SERVICE_UNAVAILABLE);
    match (results.len(), stopped) {
        (0, Some(p)) => return p.into_response(),
        (1, None) => {
            return match results.remove(0).1 {
                Ok(r) => created(r),
                Err(p) => p.into_response(),
            };
        }
        (_, Some(p)) => results.push((p.file.clone().unwrap_or_default(), Err(p))),
        (_, None) => {}
    }
    let outcomes: Vec<Outcome> = results
        .into_iter()
        .map(|(file, r)| match r {
            Ok(result) => Outcome {
                file,
                status: StatusCode::CREATED.as_u16(),
                result: Some(result),
                problem: None,
            },
            Err(p) => Outcome {
                file,
                status: p.status,
                result: None,
                problem: Some(p),
            },
        })
        .collect();
    let mut res = (
        StatusCode::MULTI_STATUS,
        Json(serde_json::json!({ "results": outcomes })),
    )
        .into_response();
    if busy {
        problem::retry_later(&mut res);
    }
    res
}

/// `201` with the result and where the submission is.
fn created(r: FormResult) -> Response {
    let location = format!("{API}/submissions/{}", r.id);
    let mut res = (StatusCode::CREATED, Json(r)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// What became of one file.
type Stored = Result<FormResult, Problem>;

/// What became of each file of a request, by name, in the order sent.
type Results = Vec<(String, Stored)>;

/// Converts and stores the files of a request as they are read, as many at once as there are
/// workers: the next file is read only once one of them is free, so a request holds at most
/// that many files in memory. Returns each file's outcome, and the problem that ended the
/// request early, if one did.
async fn store_each(app: &Arc<App>, mut files: Files) -> (Results, Option<Problem>) {
    let mut set = JoinSet::new();
    let mut names = Vec::new();
    let mut out: Vec<Option<Stored>> = Vec::new();
    let stopped = loop {
        let f = match files.next().await {
            Ok(Some(f)) => f,
            Ok(None) => break None,
            Err(p) => break Some(p),
        };
        while set.len() >= app.workers {
            collect(set.join_next().await, &mut out);
        }
        let (i, forms) = (names.len(), app.forms.clone());
        names.push(f.name.clone());
        out.push(None);
        set.spawn(async move {
            let r = match refused_name(&f.name) {
                Some(p) => Err(p),
                None => forms.upload(f).await,
            };
            (i, r)
        });
    };
    while let Some(done) = set.join_next().await {
        collect(Some(done), &mut out);
    }
    let results = names
        .into_iter()
        .zip(out)
        .map(|(name, r)| {
            let r = r.unwrap_or_else(|| Err(Problem::internal("the upload stopped")));
            (name, r)
        })
        .collect();
    (results, stopped)
}

/// Puts a finished upload's outcome in its place.
fn collect(
    done: Option<Result<(usize, Stored), tokio::task::JoinError>>,
    out: &mut [Option<Stored>],
) {
    if let Some(Ok((i, r))) = done {
        out[i] = Some(r);
    }
}

/// `POST /convert`: one form in, its submission out; nothing is stored.
async fn post_convert(
    State(app): State<Arc<App>>,
    Query(q): Query<RawName>,
    req: Request,
) -> Response {
    let mut files = match Files::open(req, app.max_file, &app.budget, q.filename).await {
        Ok(f) => f,
        Err(p) => return p.into_response(),
    };
    let f = match (files.next().await, files.next().await) {
        (Ok(Some(f)), Ok(None)) => f,
        (Err(p), _) | (_, Err(p)) => return p.into_response(),
        _ => {
            return Problem::bad_request("send one form to convert; POST /forms takes several")
                .into_response();
        }
    };
    if let Some(p) = refused_name(&f.name) {
        return p.into_response();
    }
    match app.forms.convert(f).await {
        Ok(s) => read::json_bytes(blankett::to_json(&s)),
        Err(p) => p.into_response(),
    }
}
