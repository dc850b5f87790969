//! `GET /api/v1/submissions.zip`: every submission of the output folder (each
//! `OUT/submissions/<id>.json`, as the round reads them) in one ZIP, for whoever wants them
//! all at once; under `--redact-contact` without their contact details. Each entry is named
//! `<id>.json`, so that the unpacked folder is one `blankett consolidate` reads.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use blankett::{Index, SUBMISSIONS, Submission};

use super::api::App;
use super::problem::Problem;

/// `GET /submissions.zip`.
pub async fn submissions_zip(State(app): State<Arc<App>>) -> Result<Response, Problem> {
    let out = app.forms.out().to_path_buf();
    let cfg = app.forms.config();
    let (bytes, round) = tokio::task::spawn_blocking(move || {
        let zip = pack(&out, cfg.redact_contact())?;
        let round = cfg
            .round()
            .map(str::to_owned)
            .or_else(|| usual_round(&out))
            // Only a name that needs no quoting in the header.
            .filter(|r| r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        Ok::<_, String>((zip, round))
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))?
    .map_err(Problem::internal)?;
    let name = format!(
        "attachment; filename=\"blankett-{}.zip\"",
        round.as_deref().unwrap_or(SUBMISSIONS)
    );
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// The submission files of `out`, by name, in name order: the `.json` files of
/// `OUT/submissions/` the round reads (hidden ones, being written, left out).
fn submission_files(out: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(out.join(SUBMISSIONS))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, path)| {
            !name.starts_with('.')
                && path.extension().is_some_and(|x| x == "json")
                && path.is_file()
        })
        .collect();
    files.sort();
    files
}

/// The ZIP of the submissions of `out`; with `redact`, each read and written again without
/// its contact details (a file that is no submission is then left out: what it holds cannot
/// be vouched for), else each as stored.
fn pack(out: &Path, redact: bool) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT);
    for (name, path) in submission_files(out) {
        let Ok(mut bytes) = std::fs::read(&path) else {
            continue;
        };
        if redact {
            let Ok(mut s) = serde_json::from_slice::<Submission>(&bytes) else {
                continue;
            };
            s.redact_contact();
            bytes = blankett::to_json(&s);
        }
        zip.start_file(name.as_str(), options)
            .and_then(|()| zip.write_all(&bytes).map_err(Into::into))
            .map_err(|e| format!("cannot zip {name}: {e}"))?;
    }
    let zip = zip
        .finish()
        .map_err(|e| format!("cannot finish the zip: {e}"))?;
    Ok(zip.into_inner())
}

/// The round most submissions of `out` name, as the index records them.
fn usual_round(out: &Path) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for entry in Index::load(out).submissions.into_values() {
        if let Some(r) = entry.round {
            *counts.entry(r).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(round, _)| round)
}
