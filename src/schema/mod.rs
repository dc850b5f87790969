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

pub use check::{CheckReport, FileKind, check_file};
pub use questionnaire::{
    Area, Choice, Field, Question, QuestionType, Questionnaire, Role, Variant,
};
pub use registry::{Organisation, Registry, Respondent};

/// A schema file that cannot be used, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The file's path, as given.
    pub file: String,
    /// What is wrong: that the file cannot be read or is no file of its kind, or each failed check
    /// with where it is (`questions[2].variants: no variant okand`).
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

/// Stable ids are lower-case ASCII letters, digits and hyphens.
fn check_id(id: &str, at: &str, problems: &mut Vec<String>) {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if !ok {
        problems.push(format!(
            "{at}: {id:?} is not a stable id (lower-case ASCII letters, digits and hyphens)"
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
        assert_eq!(fields, vec!["namnd", "kontaktperson", "telefon", "epost"]);
    }

    #[test]
    fn check_file_tells_the_kind_and_the_problems() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let r = check_file(&root.join("schemas/naringsliv-uppfoljning-2022.json")).unwrap();
        assert_eq!(r.kind, FileKind::Questionnaire);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(
            r.summary.starts_with(
                "questionnaire naringsliv-uppfoljning 2022: 4 areas, 4 fields, 9 questions"
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
        assert!(e.to_string().contains("neither a questionnaire"), "{e}");
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
                .any(|p| p.starts_with("questions[0].id: \"Dålig id\"")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p == "questions[1].area: no area 9"),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p == "questions[2].variants: no variant okand"),
            "{p:?}"
        );
    }

    #[test]
    fn files_blankett_writes_are_named_not_checked_as_schema_files() {
        let dir = tempfile::tempdir().unwrap();
        for (json, kind) in [
            (
                r#"{"formatVersion":"1.1","respondents":[],"submissions":[],"completeness":{}}"#,
                "a round file",
            ),
            (r#"{"answers":[],"source":{}}"#, "a submission"),
            (r#"{"files":[],"skipped":[]}"#, "a run report"),
            (r#"{"$schema":"x","properties":{}}"#, "a JSON Schema"),
        ] {
            let path = dir.path().join("f.json");
            std::fs::write(&path, json).unwrap();
            let e = check_file(&path).unwrap_err().to_string();
            assert!(e.contains(kind), "{e}");
            assert!(e.contains("not a questionnaire or a registry"), "{e}");
        }
    }
}
