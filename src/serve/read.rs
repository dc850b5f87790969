//! The handlers that only read the output folder: the submissions, the round (merged as
//! `consolidate` merges it, and its exports) and its status. The round and the submissions
//! carry an `ETag` from their content's hash; a client that sends it back in `If-None-Match`
//! gets `304` and no body.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use blankett::{
    ExportOptions, Format, Index, Report, Round, RoundOptions, SUBMISSIONS, StatusInputs,
    Submission,
};

use super::api::App;
use super::changes::since_previous;
use super::forms::StatusCounts;
use super::problem::Problem;

/// A JSON body as it is.
pub fn json_bytes(bytes: Vec<u8>) -> Response {
    with_type(bytes, "application/json")
}

fn with_type(bytes: Vec<u8>, content_type: &'static str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// The `ETag` of `bytes`: from their content's hash, so equal content has an equal tag.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", &blankett::sha256_hex(bytes)[..32])
}

/// `bytes` with its `ETag`, or `304` when the client has them already.
pub fn tagged(headers: &HeaderMap, bytes: Vec<u8>, content_type: &'static str) -> Response {
    let etag = etag_of(&bytes);
    let mut res = if known_etag(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        with_type(bytes, content_type)
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// Whether the client sent `etag` (or `*`) in `If-None-Match`: it has the content already.
pub fn known_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// `?since=` of the list of submissions.
#[derive(Deserialize)]
pub struct Since {
    since: Option<String>,
}

/// One submission in the list.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    id: String,
    respondent: Option<String>,
    round: Option<String>,
    saved_at: Option<String>,
    origin: blankett::FormOrigin,
    file: String,
    counts: StatusCounts,
}

/// `GET /submissions`: every stored submission, oldest first; `?since=` (RFC 3339) keeps
/// those saved after that time.
pub async fn submissions(
    State(app): State<Arc<App>>,
    Query(q): Query<Since>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let since = match q.since.as_deref() {
        None => None,
        Some(s) => Some(s.parse::<jiff::Timestamp>().map_err(|_| {
            Problem::bad_request(format!(
                "since={s} is not an RFC 3339 time (2022-05-01T12:00:00Z)"
            ))
        })?),
    };
    let out = app.forms.out().to_path_buf();
    let list = tokio::task::spawn_blocking(move || list_submissions(&out, since))
        .await
        .map_err(|e| Problem::internal(e.to_string()))?;
    let body = blankett::to_json(&serde_json::json!({ "submissions": list }));
    Ok(tagged(&headers, body, "application/json"))
}

fn list_submissions(out: &Path, since: Option<jiff::Timestamp>) -> Vec<Listed> {
    let index = Index::load(out);
    let mut list: Vec<(Option<jiff::Timestamp>, Listed)> = Vec::new();
    for (id, entry) in index.submissions {
        let path = out.join(SUBMISSIONS).join(format!("{id}.json"));
        let Some(s) = read_submission(&path) else {
            continue;
        };
        let saved = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| jiff::Timestamp::try_from(t).ok());
        if since.is_some_and(|since| saved.is_none_or(|t| t <= since)) {
            continue;
        }
        list.push((
            saved,
            Listed {
                counts: StatusCounts::of(&s),
                saved_at: saved.map(|t| blankett::rfc3339(t.into())),
                id,
                respondent: entry.respondent,
                round: entry.round,
                origin: entry.origin,
                file: entry.path,
            },
        ));
    }
    list.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    list.into_iter().map(|(_, l)| l).collect()
}

fn read_submission(path: &Path) -> Option<Submission> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `GET /submissions/{id}`: the stored submission. Only an id the index knows is looked up,
/// so nothing a client sends becomes a path.
pub async fn submission(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let out = app.forms.out().to_path_buf();
    let redact = app.forms.config().redact_contact();
    let found = tokio::task::spawn_blocking(move || {
        let index = Index::load(&out);
        let (name, _) = index.submissions.get_key_value(id.as_str())?;
        let mut s = read_submission(&out.join(SUBMISSIONS).join(format!("{name}.json")))?;
        if redact {
            s.redact_contact();
        }
        Some(s)
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))?;
    let s = found.ok_or_else(|| Problem::not_found("no submission of that id"))?;
    Ok(tagged(&headers, blankett::to_json(&s), "application/json"))
}

/// The round of the output folder, merged as `consolidate` merges it. Its `generatedAt` is
/// when the index last changed, so the same submissions give the same round (and `ETag`).
/// With `keep`, the submissions read come back too (the status looks for addresses in them).
pub async fn merged(app: &Arc<App>, keep: bool) -> Result<(Round, Vec<Submission>), Problem> {
    let out = app.forms.out().to_path_buf();
    let cfg = app.forms.config();
    tokio::task::spawn_blocking(move || {
        let (subs, _) = blankett::load_submissions(std::slice::from_ref(&out));
        let changed = Index::load(&out)
            .generated_at
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map(std::time::SystemTime::from);
        let opts = RoundOptions {
            round: cfg.round().and_then(|r| r.parse().ok()),
            expected: None,
            redact_contact: cfg.redact_contact(),
            now: changed,
        };
        let kept = if keep { subs.clone() } else { Vec::new() };
        let round = blankett::consolidate(subs, cfg.questionnaire(), cfg.registry(), &opts);
        (round, kept)
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))
}

/// `GET /round`: the round (`schemas/round.schema.json`).
pub async fn round(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, Problem> {
    let (round, _) = merged(&app, false).await?;
    Ok(tagged(
        &headers,
        blankett::to_json(&round),
        "application/json",
    ))
}

/// `?delimiter=` of the CSV export.
#[derive(Deserialize)]
pub struct Delimiter {
    delimiter: Option<String>,
}

/// `GET /round.csv`: the plain CSV; `?delimiter=;` for Excel with a Swedish locale.
pub async fn round_csv(
    State(app): State<Arc<App>>,
    Query(q): Query<Delimiter>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let delimiter = match q.delimiter.as_deref() {
        None | Some(",") => b',',
        Some(";") => b';',
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "delimiter={other}: give , or ;"
            )));
        }
    };
    export(&app, &headers, Format::Csv, delimiter).await
}

/// `GET /round.xlsx`.
pub async fn round_xlsx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    export(&app, &headers, Format::Xlsx, b',').await
}

/// `GET /round.md`.
pub async fn round_md(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    export(&app, &headers, Format::Md, b',').await
}

/// `GET /round.docx`.
pub async fn round_docx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    export(&app, &headers, Format::Docx, b',').await
}

/// The round exported as `format`, with its media type and a file name to save it under.
/// With `--previous` its Word report and spreadsheet say what changed since that round.
async fn export(
    app: &Arc<App>,
    headers: &HeaderMap,
    format: Format,
    delimiter: u8,
) -> Result<Response, Problem> {
    let (round, _) = merged(app, false).await?;
    let q = app.forms.config().questionnaire();
    let bytes = tokio::task::block_in_place(|| {
        // Made from the round just merged, so that the export and its ETag follow it.
        let changes = match format {
            Format::Docx | Format::Xlsx => since_previous(app, &round)?,
            _ => None,
        };
        let options = ExportOptions { delimiter, changes };
        blankett::to_bytes(&round, q, format, &options)
            .map_err(|e| Problem::internal(e.to_string()))
    })?;
    let name = round
        .round
        .map_or_else(|| "round".to_owned(), |r| r.to_string());
    Ok(attachment(
        tagged(headers, bytes, media_type(format)),
        &name,
        format,
    ))
}

/// `res` to be saved as `name` with the extension of `format`.
pub fn attachment(mut res: Response, name: &str, format: Format) -> Response {
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.name());
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The media type of an export.
pub fn media_type(format: Format) -> &'static str {
    match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format::Md => "text/markdown; charset=utf-8",
        Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/json",
    }
}

/// `GET /status`: who has answered and whom to remind (`schemas/status.schema.json`), as
/// `status --json` says it. With `--redact-contact` no submission's contact gives an address.
pub async fn status(State(app): State<Arc<App>>) -> Result<Response, Problem> {
    let cfg = app.forms.config();
    let (round, earlier) = merged(&app, !cfg.redact_contact()).await?;
    let files = Report::load(app.forms.out()).files;
    let inputs = StatusInputs {
        files: &files,
        earlier: &earlier,
        now: (app.clock)(),
    };
    let status = blankett::round_status(&round, cfg.questionnaire(), cfg.registry(), &inputs);
    Ok(json_bytes(blankett::to_json(&status)))
}
