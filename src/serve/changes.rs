//! What changed since the earlier round `serve --previous` was given: `GET /changes` (the
//! comparison's JSON, `schemas/compare.schema.json`) and `GET /changes.xlsx`, `.md` and `.docx`,
//! as `blankett compare` writes them; and the comparison the round's own Word report and
//! spreadsheet carry. The earlier round is read once at start; the comparison is made again
//! from the current round at each request, so it (and its `ETag`, from its bytes) follows every
//! form stored. Without `--previous` each of these is `404` with the code `no-previous-round`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use blankett::{Comparison, Format, Round};

use super::api::App;
use super::problem::Problem;
use super::read::{attachment, media_type, merged, tagged};

/// What changed from the earlier round to `round`; `None` without `--previous`.
pub fn since_previous(app: &App, round: &Round) -> Result<Option<Comparison>, Problem> {
    let Some(previous) = &app.previous else {
        return Ok(None);
    };
    compare(app, previous, round).map(Some)
}

fn compare(app: &App, previous: &Round, round: &Round) -> Result<Comparison, Problem> {
    // The questionnaires were checked to be the same at start.
    blankett::compare_rounds(previous, round, app.forms.config().registry())
        .map_err(|e| Problem::internal(e.to_string()))
}

/// `GET /changes`: the comparison (`schemas/compare.schema.json`).
pub async fn changes(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, Problem> {
    export(&app, &headers, Format::Json).await
}

/// `GET /changes.xlsx`.
pub async fn changes_xlsx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    export(&app, &headers, Format::Xlsx).await
}

/// `GET /changes.md`.
pub async fn changes_md(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    export(&app, &headers, Format::Md).await
}

/// `GET /changes.docx`.
pub async fn changes_docx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    export(&app, &headers, Format::Docx).await
}

/// The comparison exported as `format`, with a file name naming both rounds
/// (`forandringar-2022-T1-2022-T2.docx`).
async fn export(app: &Arc<App>, headers: &HeaderMap, format: Format) -> Result<Response, Problem> {
    let Some(previous) = &app.previous else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no-previous-round",
            "the server was started without --previous: there is no earlier round to compare with",
        ));
    };
    let (round, _) = merged(app, false).await?;
    let bytes = tokio::task::block_in_place(|| {
        let c = compare(app, previous, &round)?;
        blankett::comparison_bytes(&c, format).map_err(|e| Problem::internal(e.to_string()))
    })?;
    let name =
        |r: Option<blankett::RoundId>| r.map_or_else(|| "runda".to_owned(), |r| r.to_string());
    let file = format!(
        "forandringar-{}-{}",
        name(previous.round),
        name(round.round)
    );
    Ok(attachment(
        tagged(headers, bytes, media_type(format)),
        &file,
        format,
    ))
}
