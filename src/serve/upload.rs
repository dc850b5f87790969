//! What an upload request holds: the files of a `multipart/form-data` body (field `file`, at
//! most [`MAX_FILES`]), read one at a time, or one raw Word body named by `?filename=`. Limits
//! are kept while reading: a request whose announced length is over them is refused before its
//! body is read, and one that turns out longer (chunked, or lying) is refused as soon as it
//! crosses them. Each file's bytes are counted against the server's [`Budget`] as they are
//! read, and until its conversion is done with them.

use std::pin::Pin;

use axum::body::{Body, HttpBody};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::budget::{Budget, Buffer, Held};
use super::forms::file_name;
use super::problem::Problem;

/// Most files one request may carry.
pub const MAX_FILES: usize = 50;

/// Room a multipart body needs beyond its files' bytes (boundaries and part headers).
const MULTIPART_OVERHEAD: u64 = 64 * 1024 + MAX_FILES as u64 * 1024;

/// The Word media types a raw body may have (`.docx`, `.dotx`, `.docm`, `.dotm`), and the old
/// `.doc`'s, read so that the sender hears to send `.docx` instead.
const WORD_TYPES: [&str; 5] = [
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    "application/vnd.ms-word.document.macroenabled.12",
    "application/vnd.ms-word.template.macroenabled.12",
    "application/msword",
];

/// One uploaded file: its name (a name, never a path) and its bytes.
pub struct Upload {
    /// The name the client gave, reduced to a file name.
    pub name: String,
    /// The file's content.
    pub bytes: Vec<u8>,
    /// The bytes' part of the budget: to be dropped once the bytes are.
    pub held: Held,
}

/// The largest body a request may have with files of at most `max_file` bytes.
pub fn max_request(max_file: u64) -> u64 {
    max_file
        .saturating_mul(MAX_FILES as u64)
        .saturating_add(MULTIPART_OVERHEAD)
}

/// The files of an upload request, read one at a time, so that a request of many files holds
/// only the few being converted in memory, not all it carries.
pub enum Files {
    /// One raw Word body, read already (or taken).
    Raw(Option<Upload>),
    /// The `file` fields of a multipart body, not read yet.
    Multipart {
        /// The body.
        form: Multipart,
        /// How many files have been read.
        read: usize,
        /// Largest file accepted, in bytes.
        max_file: u64,
        /// What the files read may take in memory.
        budget: Budget,
    },
}

impl Files {
    /// The files of `req`, within `max_file` bytes each and the `budget`; a request whose
    /// announced length is over what it may carry is refused here, before any of it is read.
    pub async fn open(
        req: Request,
        max_file: u64,
        budget: &Budget,
        filename: Option<String>,
    ) -> Result<Files, Problem> {
        let kind = media_type(&req);
        let announced = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if kind == "multipart/form-data" {
            if announced.is_some_and(|n| n > max_request(max_file)) {
                return Err(Problem::too_large(format!(
                    "the request is over {} MiB, the most {MAX_FILES} files of --max-file-size allow",
                    max_request(max_file) >> 20
                )));
            }
            let form = Multipart::from_request(req, &())
                .await
                .map_err(|e| Problem::bad_request(e.body_text()))?;
            return Ok(Files::Multipart {
                form,
                read: 0,
                max_file,
                budget: budget.clone(),
            });
        }
        if WORD_TYPES.contains(&kind.as_str()) {
            let name = filename.as_deref().and_then(file_name).ok_or_else(|| {
                Problem::bad_request("a raw upload needs ?filename= naming the form")
            })?;
            if announced.is_some_and(|n| n > max_file) {
                return Err(over_limit(&name, max_file));
            }
            let expected = announced.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
            let buffer = budget
                .buffer(expected)
                .map_err(|p| p.in_file(Some(&name)))?;
            return raw(req.into_body(), name, max_file, buffer).await;
        }
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!(
                "send multipart/form-data with one or more `file` fields, or one form as a raw body with a Word media type (not {})",
                if kind.is_empty() {
                    "none"
                } else {
                    kind.as_str()
                }
            ),
        ))
    }

    /// The next file, or `None` after the last; a problem ends the request (a file over the
    /// limit, the fifty-first file, a body that cannot be read, a request without files).
    pub async fn next(&mut self) -> Result<Option<Upload>, Problem> {
        match self {
            Files::Raw(one) => Ok(one.take()),
            Files::Multipart {
                form,
                read,
                max_file,
                budget,
            } => {
                let next = next_field(form, *max_file, budget).await?;
                match &next {
                    Some(u) if *read == MAX_FILES => Err(Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too-many-files",
                        format!(
                            "at most {MAX_FILES} files in one request; send the rest in another"
                        ),
                    )
                    .in_file(Some(&u.name))),
                    Some(_) => {
                        *read += 1;
                        Ok(next)
                    }
                    None if *read == 0 => {
                        Err(Problem::bad_request("no `file` field in the form data"))
                    }
                    None => Ok(None),
                }
            }
        }
    }
}

/// The request's media type, lower case, without parameters.
fn media_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn over_limit(name: &str, max_file: u64) -> Problem {
    Problem::too_large(format!(
        "{name} is over the limit of {} MiB (--max-file-size)",
        max_file >> 20
    ))
    .in_file(Some(name))
}

/// A raw body, read no further than `max_file` bytes, into `buffer`.
async fn raw(
    mut body: Body,
    name: String,
    max_file: u64,
    mut buffer: Buffer,
) -> Result<Files, Problem> {
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame =
            frame.map_err(|e| Problem::bad_request(format!("the body cannot be read: {e}")))?;
        if let Ok(chunk) = frame.into_data() {
            add(&mut buffer, &chunk, &name, max_file)?;
        }
    }
    let (bytes, held) = buffer.into_parts();
    Ok(Files::Raw(Some(Upload { name, bytes, held })))
}

/// Adds `chunk` to the file `name`'s bytes, within `max_file` and the budget.
fn add(buffer: &mut Buffer, chunk: &[u8], name: &str, max_file: u64) -> Result<(), Problem> {
    if (buffer.len() + chunk.len()) as u64 > max_file {
        return Err(over_limit(name, max_file));
    }
    let most = usize::try_from(max_file).unwrap_or(usize::MAX);
    buffer.push(chunk, most).map_err(|p| p.in_file(Some(name)))
}

/// The next `file` field of a multipart body (others are passed over), read no further than
/// `max_file` bytes.
async fn next_field(
    form: &mut Multipart,
    max_file: u64,
    budget: &Budget,
) -> Result<Option<Upload>, Problem> {
    while let Some(mut field) = form.next_field().await.map_err(multipart_problem)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .and_then(file_name)
            .ok_or_else(|| Problem::bad_request("every `file` field needs a file name"))?;
        let mut buffer = budget.buffer(0).map_err(|p| p.in_file(Some(&name)))?;
        while let Some(chunk) = field.chunk().await.map_err(multipart_problem)? {
            add(&mut buffer, &chunk, &name, max_file)?;
        }
        let (bytes, held) = buffer.into_parts();
        return Ok(Some(Upload { name, bytes, held }));
    }
    Ok(None)
}

/// A multipart body that could not be read: over the request limit (413) or malformed (400).
fn multipart_problem(e: axum::extract::multipart::MultipartError) -> Problem {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::too_large(format!("the request is too large: {}", e.body_text()))
    } else {
        Problem::bad_request(format!("the form data cannot be read: {}", e.body_text()))
    }
}
