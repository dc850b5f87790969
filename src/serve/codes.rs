//! `GET /api/v1/codes`: the vocabulary the page shows, in Swedish. The statuses of the
//! completeness matrix with their symbols, labels and fill colours ([`blankett::Mark`]), every
//! error code the library has ([`blankett::explain_error`]) and the few of the server's own
//! that the page can meet ([`problem::explain`]), and every warning code
//! ([`blankett::WarningCode::explain`]). The texts live beside their codes; this only gathers
//! them.

use axum::response::Json;
use serde_json::{Map, Value, json};

use blankett::{ErrorKind, Mark, WarningCode};

use super::problem;

/// `GET /codes`.
pub async fn codes() -> Json<Value> {
    Json(vocabulary())
}

/// The statuses, errors and warnings, each by its code.
fn vocabulary() -> Value {
    let statuses: Map<String, Value> = Mark::ALL
        .iter()
        .map(|m| {
            let status = json!({
                "symbol": m.symbol(),
                "label": m.label(),
                "meaning": m.meaning(),
                "colour": m.fill(),
            });
            (m.code().to_owned(), status)
        })
        .collect();
    let library = ErrorKind::CODES
        .iter()
        .filter_map(|code| Some((*code, blankett::explain_error(code)?)));
    let server = problem::PAGE_CODES
        .iter()
        .filter_map(|code| Some((*code, problem::explain(code)?)));
    let errors: Map<String, Value> = library
        .chain(server)
        .map(|(code, e)| (code.to_owned(), json!(e)))
        .collect();
    let warnings: Map<String, Value> = WarningCode::KNOWN
        .iter()
        .filter_map(|code| {
            let e = code.explain()?;
            Some((
                code.to_string(),
                json!({ "title": e.title, "meaning": e.meaning }),
            ))
        })
        .collect();
    json!({ "statuses": statuses, "errors": errors, "warnings": warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_there_with_its_swedish_text() {
        let v = vocabulary();
        assert_eq!(v["statuses"].as_object().unwrap().len(), Mark::ALL.len());
        assert_eq!(v["statuses"]["answered"]["colour"], "C6EFCE");
        assert_eq!(v["statuses"]["notSubmitted"]["label"], "Ej inkommen");
        let errors = v["errors"].as_object().unwrap();
        assert_eq!(
            errors.len(),
            ErrorKind::CODES.len() + problem::PAGE_CODES.len()
        );
        for (code, e) in errors {
            for field in ["title", "meaning", "action"] {
                assert!(e[field].as_str().is_some_and(|t| !t.is_empty()), "{code}");
            }
        }
        let warnings = v["warnings"].as_object().unwrap();
        assert_eq!(warnings.len(), WarningCode::KNOWN.len());
        assert!(warnings.values().all(|w| w["action"].is_null()));
    }
}
