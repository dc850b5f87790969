//! The one error response of the API: `application/problem+json` (RFC 9457) with the fields
//! the Swedish public sector's REST API profile asks for (`type`, `title`, `status`,
//! `detail`) and blankett's own: the error `code` (the codes `report.json` records) and the
//! `file` it concerns.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::budget::RETRY_AFTER;

/// The media type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem, as sent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// `urn:blankett:problem:<code>`: stable, and not a link anyone has to keep alive.
    #[serde(rename = "type")]
    pub kind: String,
    /// The code's short title, the same for every problem of that code.
    pub title: &'static str,
    /// The HTTP status, repeated for clients that lose the header.
    pub status: u16,
    /// What went wrong this time, and what to do.
    pub detail: String,
    /// The stable error code (`not-a-form`, `legacy-doc`, `file-too-large`, `unauthorized`,
    /// `server-busy` …).
    pub code: &'static str,
    /// The file the problem concerns, as the client named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Problem {
    /// A problem with `status`, `code` and `detail`; the title is the code's.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("urn:blankett:problem:{code}"),
            title: title(code),
            status: status.as_u16(),
            detail: detail.into(),
            code,
            file: None,
        }
    }

    /// The same problem, about `file`.
    pub fn in_file(mut self, file: Option<&str>) -> Problem {
        self.file = file.map(str::to_owned);
        self
    }

    /// A form that could not be converted (`422`), with the conversion's own code.
    pub fn conversion(e: &blankett::Error, file: &str) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string()).in_file(Some(file))
    }

    /// Something on the server's side went wrong (`500`); the detail is logged, not hidden.
    pub fn internal(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal-error", detail)
    }

    /// `404` for a resource that does not exist.
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// `400` for a request the API cannot make sense of.
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// `413` for a request or file over the limit.
    pub fn too_large(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "file-too-large", detail)
    }

    /// The status, as a status code.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The short title of an error code; a code without one of its own gets a general title.
fn title(code: &str) -> &'static str {
    match code {
        "unauthorized" => "Authorization needed",
        "cross-origin" => "Not from this site's page",
        "not-found" => "Not found",
        "bad-request" => "Bad request",
        "method-not-allowed" => "Method not allowed",
        "unsupported-media-type" => "Unsupported media type",
        "too-many-files" => "Too many files",
        "file-too-large" | "too-large" => "Too large",
        "server-busy" => "Server busy",
        "not-a-form" => "Not a form",
        "not-a-word-file" => "Not a Word file",
        "legacy-doc" => "Word 97-2003 document",
        "internal-error" => "Internal error",
        "excluded" => "Excluded by the analyst",
        "no-previous-round" => "No earlier round",
        _ => "The form could not be converted",
    }
}

/// The codes of the server's own problems that the page can meet (an upload, a download),
/// beside the library's ([`blankett::ErrorKind::CODES`]); each has a Swedish [`explain`]ation.
pub const PAGE_CODES: [&str; 5] = [
    "not-a-word-file",
    "too-many-files",
    "excluded",
    "unauthorized",
    "no-previous-round",
];

/// What one of the server's own problem codes means, in Swedish, for the page; the library
/// explains its own ([`blankett::explain_error`]).
pub fn explain(code: &str) -> Option<blankett::Explanation> {
    let (title, meaning, action) = match code {
        "not-a-word-file" => (
            "Inte en Word-fil",
            "Filen är inte en Word-fil (.docx) och lästes inte.",
            "Skicka formuläret som Word-dokument (.docx).",
        ),
        "too-many-files" => (
            "För många filer",
            "Högst 50 filer tas emot åt gången. Filerna efter den femtionde lästes inte.",
            "Skicka resten i en ny omgång.",
        ),
        "excluded" => (
            "Undantaget",
            "Formuläret har undantagits från omgången (med blankett assign) och lästes inte.",
            "Ska det räknas, be den som driver blankett att häva undantaget (blankett assign --undo) och skicka det sedan igen.",
        ),
        "unauthorized" => (
            "Inte inloggad",
            "Du är inte inloggad, eller så har inloggningen gått ut.",
            "Logga in igen och skicka filen på nytt.",
        ),
        "no-previous-round" => (
            "Ingen tidigare omgång",
            "Servern har ingen tidigare omgång att jämföra med, så det finns inga förändringar att visa.",
            "Be den som driver blankett att starta servern med --previous och den förra omgångens mapp eller omgångsfil.",
        ),
        _ => return None,
    };
    Some(blankett::Explanation {
        title,
        meaning,
        action: Some(action),
    })
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            retry_later(&mut res);
        }
        res
    }
}

/// Tells the client when to try again (`Retry-After`), after a `503`.
pub fn retry_later(res: &mut Response) {
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_carries_the_profiles_fields_and_the_code() {
        let p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-a-form",
            "x.docx: no question",
        )
        .in_file(Some("x.docx"));
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["type"], "urn:blankett:problem:not-a-form");
        assert_eq!(v["title"], "Not a form");
        assert_eq!(v["status"], 422);
        assert_eq!(v["code"], "not-a-form");
        assert_eq!(v["file"], "x.docx");
        let res = p.into_response();
        assert_eq!(res.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
