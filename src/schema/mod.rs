//! The questionnaire and the registry of respondents: data kept under `schemas/`, read into
//! these types. A new round or a new policy is a new schema file, never new code.
//!
//! The city's own files are compiled in as defaults ([`Questionnaire::builtin`],
//! [`Registry::builtin`]); `--schema` and `--registry` read others.
//!
//! [`questionnaire`] and [`registry`] hold the two formats; [`check`] what `blankett schema
//! check` says of a file. What both formats share (the error, stable ids, dates, organisation
//! numbers, reading a file and checking it) is here.

use std::path::Path;

use serde::de::DeserializeOwned;

mod check;
mod questionnaire;
mod registry;

pub use check::{CheckError, CheckReport, FileKind, OtherKind, check_file};
pub use questionnaire::{
    Area, Choice, Deadline, Field, Question, QuestionType, Questionnaire, Role, Variant,
};
pub use registry::{Organisation, Registry, Respondent};

/// A schema file that cannot be used, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The file's path, as given.
    pub file: String,
    /// What is wrong: that the file cannot be read or is no file of its kind, or each failed check
    /// after the JSON Pointer of where it is (`/questions/2/variants: no variant okand`).
    pub problems: Vec<String>,
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.problems.join("; "))
    }
}

impl std::error::Error for SchemaError {}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, SchemaError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SchemaError {
        file: file.clone(),
        problems: vec![format!("cannot read it: {}", e.to_string().to_lowercase())],
    })?;
    serde_json::from_str(&text).map_err(|e| SchemaError {
        file,
        problems: vec![format!("not a valid file of this kind: {e}")],
    })
}

/// A data file the program checks beyond its JSON shape.
trait Checked {
    /// What is wrong with it, each problem prefixed with where it is.
    fn check(&self) -> Vec<String>;
}

/// Reads a data file and checks it: a file with problems is refused with all of them.
fn load_checked<T: DeserializeOwned + Checked>(path: &Path) -> Result<T, SchemaError> {
    let value: T = read_json(path)?;
    let problems = value.check();
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(SchemaError {
            file: path.display().to_string(),
            problems,
        })
    }
}

/// A problem found in a schema file and where it is, as a JSON Pointer (`/questions/3/id`,
/// `/` for the whole file), the same style the JSON Schema's problems are named in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) at: String,
    pub(crate) message: String,
}

impl Problem {
    fn new(at: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// The elements of a JSON list that read as `T`, each with its place in the list; the others
/// are left to the JSON Schema to name.
fn readable<T: DeserializeOwned>(list: Option<&Vec<serde_json::Value>>) -> Vec<(usize, T)> {
    list.into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| Some((i, T::deserialize(v).ok()?)))
        .collect()
}

/// Stable ids are lower-case ASCII letters, digits and hyphens.
fn check_id(id: &str, at: &str, problems: &mut Vec<Problem>) {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if !ok {
        problems.push(Problem::new(
            at,
            format!("{id:?} is not a stable id (lower-case ASCII letters, digits and hyphens)"),
        ));
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// A Swedish organisation number, `NNNNNN-NNNN`, with a valid Luhn check digit.
pub fn is_organisation_number(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    let shaped = s.len() == 11 && s.as_bytes()[6] == b'-' && digits.len() == 10;
    shaped && {
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let v = if i.is_multiple_of(2) { d * 2 } else { *d };
                v / 10 + v % 10
            })
            .sum();
        sum.is_multiple_of(10)
    }
}

/// A plain check of an address: one `@`, a local part, a domain with a dot and no spaces.
pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.chars().all(char::is_alphabetic)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_files_are_sound() {
        let q = Questionnaire::builtin();
        assert_eq!(q.check(), Vec::<String>::new());
        assert_eq!(q.id, "naringsliv-uppfoljning");
        let r = Registry::builtin();
        assert_eq!(r.check(), Vec::<String>::new());
    }

    #[test]
    fn the_district_variant_holds_the_seed_questions() {
        let q = Questionnaire::builtin();
        let ids: Vec<&str> = q
            .questions_of("stadsdelsnamnd")
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(
            ids,
            vec![
                "samverkan-lokalt-naringsliv",
                "vaxla-upp-stockholm",
                "svart-ekonomi-samverkan",
                "verksamhetsomraden",
                "platssamverkan",
                "kultur-offentliga-rummet",
                "sbr-hallbar-tillvaxt",
                "sbr-foretagsdialog",
                "ovriga-upplysningar"
            ]
        );
        let fields: Vec<&str> = q
            .fields_of("stadsdelsnamnd")
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(
            fields,
            vec!["namnd", "period", "kontaktperson", "telefon", "epost"]
        );
    }

    #[test]
    fn check_file_tells_the_kind_and_the_problems() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let r = check_file(&root.join("schemas/naringsliv-uppfoljning-2022.json")).unwrap();
        assert_eq!(r.kind, FileKind::Questionnaire);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(
            r.summary.starts_with(
                "questionnaire naringsliv-uppfoljning 2022: 4 areas, 5 fields, 9 questions"
            ),
            "{}",
            r.summary
        );

        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.json");
        let mut q: serde_json::Value = serde_json::to_value(Questionnaire::builtin()).unwrap();
        q["questions"][0]["id"] = "Dålig id".into();
        q["questions"][1]["variants"] = serde_json::json!(["okand"]);
        std::fs::write(&bad, q.to_string()).unwrap();
        let r = check_file(&bad).unwrap();
        assert!(
            r.problems
                .iter()
                .any(|p| p.starts_with("/questions/0/id: ")),
            "{:?}",
            r.problems
        );

        std::fs::write(&bad, "{}").unwrap();
        let e = check_file(&bad).err().unwrap();
        assert!(
            matches!(
                e,
                CheckError::OtherKind {
                    kind: OtherKind::Unknown,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn the_shape_and_the_references_are_checked_in_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.json");
        let mut q: serde_json::Value = serde_json::to_value(Questionnaire::builtin()).unwrap();
        // A shape problem (an unknown key, so the question does not read) …
        q["questions"][0]["svar"] = "x".into();
        // … and problems only the checks see, in questions that read.
        q["questions"][1]["variants"] = serde_json::json!(["okand"]);
        q["questions"][2]["id"] = q["questions"][3]["id"].clone();
        q["deadlines"] = serde_json::json!([{"round": "2022-T1", "date": "2022-13-01"}]);
        std::fs::write(&bad, q.to_string()).unwrap();
        let r = check_file(&bad).unwrap();
        let at: Vec<&str> = r
            .problems
            .iter()
            .map(|p| p.split(": ").next().unwrap())
            .collect();
        assert_eq!(
            at,
            [
                "/deadlines/0/date",
                "/questions/0",
                "/questions/1/variants",
                "/questions/3/id",
                // Its tag is its id: used twice too.
                "/questions/3/tag",
            ],
            "{:#?}",
            r.problems
        );
        assert!(
            r.problems[2].ends_with("no variant okand"),
            "{:?}",
            r.problems
        );
        assert!(r.problems[3].ends_with("is used twice"), "{:?}", r.problems);
    }

    #[test]
    fn a_registry_is_checked_in_one_pass_too() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.json");
        let mut r: serde_json::Value = serde_json::to_value(Registry::builtin()).unwrap();
        r["respondents"][0]["namn"] = "x".into();
        r["respondents"][1]["validTo"] = "2020-02-31x".into();
        r["respondents"][2]["successors"] = serde_json::json!([r["respondents"][0]["id"], "okand"]);
        std::fs::write(&bad, r.to_string()).unwrap();
        let report = check_file(&bad).unwrap();
        assert_eq!(report.kind, FileKind::Registry);
        let p = &report.problems;
        assert!(p.iter().any(|p| p.starts_with("/respondents/0: ")), "{p:?}");
        assert!(
            p.iter().any(|p| p.starts_with("/respondents/1/validTo: ")),
            "{p:?}"
        );
        // A successor naming the respondent that did not read is no problem of its own.
        assert_eq!(
            p.iter()
                .filter(|p| p.starts_with("/respondents/2/successors: "))
                .count(),
            1,
            "{p:?}"
        );
        assert!(p.contains(&"/respondents/2/successors: no respondent okand".to_owned()));
    }

    #[test]
    fn organisation_numbers_are_checked() {
        assert!(is_organisation_number("212000-0142"));
        assert!(!is_organisation_number("212000-0143"));
        assert!(!is_organisation_number("2120000142"));
    }

    #[test]
    fn problems_are_named_by_where_they_are() {
        let mut q = Questionnaire::builtin();
        q.questions[0].id = "Dålig id".into();
        q.questions[1].area = Some(9);
        q.questions[2].variants = vec!["okand".into()];
        let p = q.check();
        assert!(
            p.iter()
                .any(|p| p.starts_with("/questions/0/id: \"Dålig id\"")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p == "/questions/1/area: no area 9"),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p == "/questions/2/variants: no variant okand"),
            "{p:?}"
        );
    }

    #[test]
    fn files_blankett_writes_are_named_not_checked_as_schema_files() {
        let dir = tempfile::tempdir().unwrap();
        for (json, kind) in [
            (
                r#"{"formatVersion":"1.1","respondents":[],"submissions":[],"completeness":{}}"#,
                OtherKind::Round,
            ),
            (r#"{"answers":[],"source":{}}"#, OtherKind::Submission),
            (
                r#"{"formatVersion":"1.1","files":[],"skipped":[]}"#,
                OtherKind::RunReport,
            ),
            (
                r#"{"formatVersion":"1.1","submissions":[]}"#,
                OtherKind::Index,
            ),
            (
                r#"{"formatVersion":"1.2","respondents":[]}"#,
                OtherKind::Output,
            ),
            (
                r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{}}"#,
                OtherKind::JsonSchema,
            ),
            (r#"[1, 2]"#, OtherKind::Unknown),
        ] {
            let path = dir.path().join("f.json");
            std::fs::write(&path, json).unwrap();
            let e = check_file(&path).unwrap_err();
            assert_eq!(
                e,
                CheckError::OtherKind {
                    file: path.display().to_string(),
                    kind
                }
            );
            assert!(
                e.to_string().ends_with(", not a questionnaire or registry"),
                "{e}"
            );
        }
    }
}
