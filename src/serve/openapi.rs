//! The API's OpenAPI 3.1 document and the JSON Schemas it refers to, embedded in the binary:
//! the document (`openapi.json` beside this file) refers to `schemas/<name>` relative to
//! itself, which `/api/v1/schemas/<name>` serves from the crate's `schemas/` folder.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::problem::Problem;

/// The OpenAPI document.
const DOCUMENT: &str = include_str!("openapi.json");

/// The JSON Schemas the document refers to, by name; only these names are served.
const SCHEMAS: [(&str, &str); 8] = [
    (
        "submission.schema.json",
        include_str!("../../schemas/submission.schema.json"),
    ),
    (
        "round.schema.json",
        include_str!("../../schemas/round.schema.json"),
    ),
    (
        "status.schema.json",
        include_str!("../../schemas/status.schema.json"),
    ),
    (
        "index.schema.json",
        include_str!("../../schemas/index.schema.json"),
    ),
    (
        "report.schema.json",
        include_str!("../../schemas/report.schema.json"),
    ),
    (
        "questionnaire.schema.json",
        include_str!("../../schemas/questionnaire.schema.json"),
    ),
    (
        "registry.schema.json",
        include_str!("../../schemas/registry.schema.json"),
    ),
    (
        "compare.schema.json",
        include_str!("../../schemas/compare.schema.json"),
    ),
];

/// `GET /openapi.json`.
pub async fn document() -> Response {
    typed(DOCUMENT, "application/json")
}

/// `GET /schemas/{name}`: one of the embedded schemas.
pub async fn schema(Path(name): Path<String>) -> Result<Response, Problem> {
    SCHEMAS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| typed(text, "application/schema+json"))
        .ok_or_else(|| Problem::not_found(format!("no schema named {name}")))
}

fn typed(text: &'static str, content_type: &'static str) -> Response {
    let mut res = text.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_json_and_names_every_schema_it_serves() {
        let doc: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let served = doc["paths"]["/schemas/{name}"]["get"]["parameters"][0]["schema"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<Vec<_>>();
        assert_eq!(served, SCHEMAS.map(|(n, _)| n));
        for (name, text) in SCHEMAS {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
