//! `blankett schema check`: a questionnaire or registry file checked in one pass, against its
//! format's JSON Schema and for what a schema cannot say, each problem named by the JSON Pointer
//! of where it is; a JSON file of another kind (a round, a submission …) named for what it is.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use super::{Problem, Questionnaire, Registry, questionnaire, registry};
use crate::output::plural;

/// The JSON Schemas of the two data formats.
const QUESTIONNAIRE_SCHEMA: &str = include_str!("../../schemas/questionnaire.schema.json");
const REGISTRY_SCHEMA: &str = include_str!("../../schemas/registry.schema.json");

/// Which kind of schema file a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A questionnaire (the file has `questions`, `variants`, `fields` or `areas`).
    Questionnaire,
    /// A registry of respondents (the file has `respondents` or `organisation`).
    Registry,
}

/// A JSON file that is neither a questionnaire nor a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OtherKind {
    /// A round, written by `blankett consolidate`.
    Round,
    /// A submission, written by `blankett convert`, `batch` or `watch`.
    Submission,
    /// An output folder's `report.json`.
    RunReport,
    /// An output folder's `index.json`.
    Index,
    /// Another file blankett writes (it has `formatVersion`).
    Output,
    /// A JSON Schema, such as those under `schemas/`.
    JsonSchema,
    /// JSON of no kind blankett knows.
    Unknown,
}

impl std::fmt::Display for OtherKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OtherKind::Round => "a round (blankett consolidate output)",
            OtherKind::Submission => "a submission (blankett convert, batch or watch output)",
            OtherKind::RunReport => "a run report (report.json, blankett batch or watch output)",
            OtherKind::Index => {
                "an output folder's index (index.json, blankett batch or watch output)"
            }
            OtherKind::Output => "a file blankett writes (it has formatVersion)",
            OtherKind::JsonSchema => "a JSON Schema",
            OtherKind::Unknown => "JSON of another kind (no \"questions\", no \"respondents\")",
        })
    }
}

/// Why `schema check` could not check a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The file cannot be read, or is not JSON.
    #[error("{file}: {problem}")]
    Unreadable {
        /// The file's path, as given.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// The file is JSON, but no questionnaire or registry: the wrong file was given.
    #[error("{file}: this is {kind}, not a questionnaire or registry")]
    OtherKind {
        /// The file's path, as given.
        file: String,
        /// What the file is.
        kind: OtherKind,
    },
}

/// What `blankett schema check` finds in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Which kind of file it is.
    pub kind: FileKind,
    /// One line about the file when it is sound (`questionnaire naringsliv-uppfoljning 2022 …`).
    pub summary: String,
    /// Each problem after the JSON Pointer of where it is (`/questions/3/id: …`), in the
    /// file's order: what the JSON Schema finds and what it cannot say, together.
    pub problems: Vec<String>,
}

/// Checks a questionnaire or registry file in one pass: its shape against the format's JSON
/// Schema and what a schema cannot say (unique ids, references, tags) of every part that reads.
/// The kind is told by the file's keys; a file blankett writes, a JSON Schema or other JSON is
/// an [`CheckError::OtherKind`].
pub fn check_file(path: &Path) -> Result<CheckReport, CheckError> {
    let file = path.display().to_string();
    let unreadable = |problem: String| CheckError::Unreadable {
        file: file.clone(),
        problem,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| unreadable(format!("cannot read it: {}", e.to_string().to_lowercase())))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| unreadable(format!("not JSON: {e}")))?;
    let kind = kind_of(&json).map_err(|kind| CheckError::OtherKind {
        file: file.clone(),
        kind,
    })?;
    let schema_text = match kind {
        FileKind::Questionnaire => QUESTIONNAIRE_SCHEMA,
        FileKind::Registry => REGISTRY_SCHEMA,
    };
    let schema: Value = serde_json::from_str(schema_text).expect("the built-in JSON Schemas parse");
    let validator = jsonschema::validator_for(&schema).expect("the built-in JSON Schemas compile");
    let shape: Vec<Problem> = validator
        .iter_errors(&json)
        .map(|e| {
            let at = e.instance_path().to_string();
            Problem::new(
                if at.is_empty() { "/".to_owned() } else { at },
                e.to_string(),
            )
        })
        .collect();
    let own = match kind {
        FileKind::Questionnaire => questionnaire::Parts::read(&json).problems(),
        FileKind::Registry => registry::Parts::read(&json).problems(),
    };
    let mut problems = merge(shape, own);
    let mut summary = String::new();
    if problems.is_empty() {
        match summarize(kind, json) {
            Ok(s) => summary = s,
            Err(e) => problems.push(Problem::new("/", e.to_string())),
        }
    }
    Ok(CheckReport {
        kind,
        summary,
        problems: problems.iter().map(ToString::to_string).collect(),
    })
}

/// The kind of schema file `json` is, or what else it is. Files blankett writes carry
/// `formatVersion`, which neither format has; a round has `respondents` too, and would
/// otherwise be checked as a registry and found to have dozens of problems.
fn kind_of(json: &Value) -> Result<FileKind, OtherKind> {
    let has = |key: &str| json.get(key).is_some();
    let schema_uri = json
        .get("$schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("json-schema.org"));
    let written = if has("completeness") && has("submissions") {
        Some(OtherKind::Round)
    } else if has("answers") && has("source") {
        Some(OtherKind::Submission)
    } else if has("files") && (has("formatVersion") || has("skipped")) {
        Some(OtherKind::RunReport)
    } else if has("formatVersion") && has("submissions") {
        Some(OtherKind::Index)
    } else if has("formatVersion") {
        Some(OtherKind::Output)
    } else {
        None
    };
    if let Some(kind) = written {
        return Err(kind);
    }
    if schema_uri || has("$defs") || (has("properties") && has("type")) {
        return Err(OtherKind::JsonSchema);
    }
    if ["questions", "variants", "fields", "areas", "templateText"]
        .iter()
        .any(|k| has(k))
    {
        Ok(FileKind::Questionnaire)
    } else if has("respondents") || has("organisation") {
        Ok(FileKind::Registry)
    } else {
        Err(OtherKind::Unknown)
    }
}

/// The JSON Schema's problems and the checks' in the file's order, the schema's first where
/// both name the same place; a check that says again what the schema said there is left out.
fn merge(shape: Vec<Problem>, own: Vec<Problem>) -> Vec<Problem> {
    let named: HashSet<String> = shape.iter().map(|p| p.at.clone()).collect();
    let mut all = shape;
    all.extend(own.into_iter().filter(|p| !named.contains(&p.at)));
    all.sort_by(|a, b| in_file_order(&a.at, &b.at));
    all
}

/// Orders JSON Pointers as the places they name stand in the file: list indices by number.
fn in_file_order(a: &str, b: &str) -> Ordering {
    let segments = |p: &str| -> Vec<(Option<usize>, String)> {
        p.split('/')
            .map(|s| (s.parse().ok(), s.to_owned()))
            .collect()
    };
    segments(a).cmp(&segments(b))
}

/// One line about a sound file.
fn summarize(kind: FileKind, json: Value) -> Result<String, serde_json::Error> {
    Ok(match kind {
        FileKind::Questionnaire => {
            let q: Questionnaire = serde_json::from_value(json)?;
            format!(
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
            )
        }
        FileKind::Registry => {
            let r: Registry = serde_json::from_value(json)?;
            format!(
                "registry {}: {} respondent{}",
                r.id,
                r.respondents.len(),
                plural(r.respondents.len())
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_sort_as_the_file_reads() {
        let mut at = vec![
            "/questions/10/id",
            "/questions/2/text",
            "/",
            "/id",
            "/questions/2",
        ];
        at.sort_by(|a, b| in_file_order(a, b));
        assert_eq!(
            at,
            [
                "/",
                "/id",
                "/questions/2",
                "/questions/2/text",
                "/questions/10/id"
            ]
        );
    }

    #[test]
    fn a_check_saying_again_what_the_schema_said_is_left_out() {
        let shape = vec![Problem::new(
            "/questions/1/id",
            "does not match the pattern",
        )];
        let own = vec![
            Problem::new("/questions/1/id", "is not a stable id"),
            Problem::new("/questions/0/variants", "no variant x"),
        ];
        let all: Vec<String> = merge(shape, own).iter().map(ToString::to_string).collect();
        assert_eq!(
            all,
            [
                "/questions/0/variants: no variant x",
                "/questions/1/id: does not match the pattern"
            ]
        );
    }
}
