//! `blankett schema check`: a questionnaire or registry file checked against its format's JSON
//! Schema, then for what a schema cannot say.

use std::path::Path;

use super::{Questionnaire, Registry, SchemaError};
use crate::output::plural;

/// The JSON Schemas of the two data formats.
const QUESTIONNAIRE_SCHEMA: &str = include_str!("../../schemas/questionnaire.schema.json");
const REGISTRY_SCHEMA: &str = include_str!("../../schemas/registry.schema.json");

/// Which kind of schema file a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A questionnaire (the file has `questions`).
    Questionnaire,
    /// A registry of respondents (the file has `respondents`).
    Registry,
}

/// What `blankett schema check` finds in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Which kind of file it is.
    pub kind: FileKind,
    /// One line about the file when it is sound (`questionnaire naringsliv-uppfoljning 2022 …`).
    pub summary: String,
    /// Each problem, prefixed with where it is (`/questions/3/id: …`).
    pub problems: Vec<String>,
}

/// Checks a questionnaire or registry file: its shape against the format's JSON Schema, then
/// what a schema cannot say (unique ids, references, tags). The kind is told by the file's
/// keys (`questions` or `respondents`).
pub fn check_file(path: &Path) -> Result<CheckReport, SchemaError> {
    let file = path.display().to_string();
    let fail = |p: String| SchemaError {
        file: file.clone(),
        problems: vec![p],
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read it: {}", e.to_string().to_lowercase())))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
    if let Some(other) = written_by_blankett(&json) {
        return Err(fail(format!(
            "this is {other}, not a questionnaire or a registry: schema check reads the files \
             blankett is given with --schema and --registry"
        )));
    }
    let kind = if json.get("questions").is_some() {
        FileKind::Questionnaire
    } else if json.get("respondents").is_some() {
        FileKind::Registry
    } else {
        return Err(fail(
            "neither a questionnaire (it has no \"questions\") nor a registry (no \"respondents\")"
                .into(),
        ));
    };
    let schema_text = match kind {
        FileKind::Questionnaire => QUESTIONNAIRE_SCHEMA,
        FileKind::Registry => REGISTRY_SCHEMA,
    };
    let schema: serde_json::Value =
        serde_json::from_str(schema_text).expect("the built-in JSON Schemas parse");
    let validator = jsonschema::validator_for(&schema).expect("the built-in JSON Schemas compile");
    let mut problems: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{}: {e}", if at.is_empty() { "/".to_owned() } else { at })
        })
        .collect();
    let mut summary = String::new();
    if problems.is_empty() {
        match kind {
            FileKind::Questionnaire => match serde_json::from_value::<Questionnaire>(json) {
                Ok(q) => {
                    problems.extend(q.check());
                    summary = format!(
                        "questionnaire {} {}: {} area{}, {} field{}, {} question{}, variants {}",
                        q.id,
                        q.version,
                        q.areas.len(),
                        plural(q.areas.len()),
                        q.fields.len(),
                        plural(q.fields.len()),
                        q.questions.len(),
                        plural(q.questions.len()),
                        q.variants
                            .iter()
                            .map(|v| v.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                Err(e) => problems.push(format!("/: {e}")),
            },
            FileKind::Registry => match serde_json::from_value::<Registry>(json) {
                Ok(r) => {
                    problems.extend(r.check());
                    summary = format!(
                        "registry {}: {} respondent{}",
                        r.id,
                        r.respondents.len(),
                        plural(r.respondents.len())
                    );
                }
                Err(e) => problems.push(format!("/: {e}")),
            },
        }
    }
    Ok(CheckReport {
        kind,
        summary,
        problems,
    })
}

/// What a JSON file is when it is one blankett writes or ships rather than reads as a schema
/// file: a round has `respondents` too, and would otherwise be checked as a registry and found
/// to have dozens of problems.
fn written_by_blankett(json: &serde_json::Value) -> Option<&'static str> {
    let has = |key: &str| json.get(key).is_some();
    if has("$schema") && (has("properties") || has("$defs")) {
        Some("a JSON Schema (of blankett's outputs or formats)")
    } else if has("completeness") && has("submissions") {
        Some("a round file (written by consolidate)")
    } else if has("answers") && has("source") {
        Some("a submission (written by convert, batch or watch)")
    } else if has("files") && has("skipped") {
        Some("a run report (report.json, written by batch or watch)")
    } else if has("formatVersion") && has("submissions") {
        Some("an output folder's index (index.json)")
    } else {
        None
    }
}
