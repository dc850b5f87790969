//! The questionnaire and the registry of respondents: data kept under `schemas/`, read into
//! these types. A new round or a new policy is a new schema file, never new code.
//!
//! The city's own files are compiled in as defaults ([`Questionnaire::builtin`],
//! [`Registry::builtin`]); `--schema` and `--registry` read others.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::output::plural;

/// A questionnaire: focus areas, the fields that say who answers, the questions, and the
/// template variants that hold them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Questionnaire {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    /// Stable ASCII id (`naringsliv-uppfoljning`).
    pub id: String,
    /// Version of the questionnaire (`2022`).
    pub version: String,
    pub title: String,
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Fields that say who answers and how to reach them (committee, contact person …).
    #[serde(default)]
    pub fields: Vec<Field>,
    pub questions: Vec<Question>,
    pub variants: Vec<Variant>,
    /// Text every template variant holds that is never an answer (titles, instructions).
    #[serde(default)]
    pub template_text: Vec<String>,
}

/// A focus area of the policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Area {
    pub number: u8,
    pub title: String,
    /// Other wordings templates use for the heading (`… och bättre framkomlighet`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// What a field tells about the respondent.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// The committee or board answering.
    Respondent,
    ContactName,
    ContactPhone,
    ContactEmail,
    /// The reporting round (`Tertialrapport 1 2022`).
    Round,
}

/// A field of the form's header.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub role: Role,
    /// The label the template shows beside the field.
    pub label: String,
    /// The control's tag; the id when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The control's title (`w:alias`).
    pub alias: String,
    /// Other labels and titles older templates use.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The placeholder text the template shows in the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The variants whose template holds the field; all when left out.
    #[serde(default)]
    pub variants: Vec<String>,
}

/// The type of an answer.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub enum QuestionType {
    #[default]
    Text,
    Boolean,
    Date,
    Choice,
}

/// A choice of a `choice` question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Question {
    /// Stable ASCII id: the key of the answer in every output.
    pub id: String,
    /// The focus area (1–4), or none (`Övriga upplysningar`).
    pub area: Option<u8>,
    /// The question as the template asks it.
    pub text: String,
    #[serde(default, rename = "type")]
    pub question_type: QuestionType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// The control's tag; the id when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The control's title: a short label.
    pub alias: String,
    /// Other wordings and titles of the question in older templates.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The variants whose template holds the question; all when left out.
    #[serde(default)]
    pub variants: Vec<String>,
    /// A question a respondent may leave unanswered (`Övriga upplysningar`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

/// A template variant: which committees get it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    pub title: String,
    /// The kinds of respondent (registry `kind`) that answer this variant.
    pub kinds: Vec<String>,
    /// Text of this variant's template that is never an answer.
    #[serde(default)]
    pub template_text: Vec<String>,
}

impl Field {
    pub fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or(&self.id)
    }

    pub fn in_variant(&self, variant: &str) -> bool {
        self.variants.is_empty() || self.variants.iter().any(|v| v == variant)
    }
}

impl Question {
    pub fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or(&self.id)
    }

    pub fn in_variant(&self, variant: &str) -> bool {
        self.variants.is_empty() || self.variants.iter().any(|v| v == variant)
    }
}

/// The JSON Schemas of the two data formats.
const QUESTIONNAIRE_SCHEMA: &str = include_str!("../schemas/questionnaire.schema.json");
const REGISTRY_SCHEMA: &str = include_str!("../schemas/registry.schema.json");

/// The city's questionnaire, `schemas/naringsliv-uppfoljning-2022.json`.
const BUILTIN_QUESTIONNAIRE: &str = include_str!("../schemas/naringsliv-uppfoljning-2022.json");
/// The city's registry, `schemas/respondents-stockholm.json`.
const BUILTIN_REGISTRY: &str = include_str!("../schemas/respondents-stockholm.json");

/// A schema file that cannot be used, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub file: String,
    pub problems: Vec<String>,
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.problems.join("; "))
    }
}

impl std::error::Error for SchemaError {}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, SchemaError> {
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

impl Questionnaire {
    /// The questionnaire compiled into the program.
    pub fn builtin() -> Questionnaire {
        serde_json::from_str(BUILTIN_QUESTIONNAIRE).expect("the built-in questionnaire parses")
    }

    /// Reads a questionnaire file and checks it.
    pub fn load(path: &Path) -> Result<Questionnaire, SchemaError> {
        let q: Questionnaire = read_json(path)?;
        let problems = q.check();
        if problems.is_empty() {
            Ok(q)
        } else {
            Err(SchemaError {
                file: path.display().to_string(),
                problems,
            })
        }
    }

    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }

    pub fn area(&self, number: u8) -> Option<&Area> {
        self.areas.iter().find(|a| a.number == number)
    }

    /// The questions of a variant, in template order.
    pub fn questions_of<'a>(&'a self, variant: &'a str) -> impl Iterator<Item = &'a Question> {
        self.questions.iter().filter(move |q| q.in_variant(variant))
    }

    /// The fields of a variant, in template order.
    pub fn fields_of<'a>(&'a self, variant: &'a str) -> impl Iterator<Item = &'a Field> {
        self.fields.iter().filter(move |f| f.in_variant(variant))
    }

    /// What is wrong with the questionnaire beyond its JSON shape: ids, references, tags.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        check_id(&self.id, "id", &mut problems);
        let variants: HashSet<&str> = self.variants.iter().map(|v| v.id.as_str()).collect();
        if self.variants.is_empty() {
            problems.push("variants: there must be at least one variant".into());
        }
        let mut seen = HashSet::new();
        for (i, v) in self.variants.iter().enumerate() {
            check_id(&v.id, &format!("variants[{i}].id"), &mut problems);
            if !seen.insert(v.id.as_str()) {
                problems.push(format!("variants[{i}].id: {} is used twice", v.id));
            }
        }
        let mut areas = HashSet::new();
        for (i, a) in self.areas.iter().enumerate() {
            if !areas.insert(a.number) {
                problems.push(format!(
                    "areas[{i}].number: area {} is listed twice",
                    a.number
                ));
            }
        }
        let mut ids = HashSet::new();
        let check_variants = |list: &[String], at: &str, problems: &mut Vec<String>| {
            for v in list {
                if !variants.contains(v.as_str()) {
                    problems.push(format!("{at}.variants: no variant {v}"));
                }
            }
        };
        for (i, f) in self.fields.iter().enumerate() {
            let at = format!("fields[{i}]");
            check_id(&f.id, &format!("{at}.id"), &mut problems);
            if !ids.insert(f.id.clone()) {
                problems.push(format!("{at}.id: {} is used twice", f.id));
            }
            check_variants(&f.variants, &at, &mut problems);
        }
        for (i, q) in self.questions.iter().enumerate() {
            let at = format!("questions[{i}]");
            check_id(&q.id, &format!("{at}.id"), &mut problems);
            if !ids.insert(q.id.clone()) {
                problems.push(format!("{at}.id: {} is used twice", q.id));
            }
            if let Some(a) = q.area
                && !areas.contains(&a)
            {
                problems.push(format!("{at}.area: no area {a}"));
            }
            if q.text.trim().is_empty() {
                problems.push(format!("{at}.text: the question has no text"));
            }
            match (q.question_type, q.choices.is_empty()) {
                (QuestionType::Choice, true) => {
                    problems.push(format!("{at}.choices: a choice question needs choices"))
                }
                (t, false) if t != QuestionType::Choice => {
                    problems.push(format!("{at}.choices: only a choice question has choices"))
                }
                _ => {}
            }
            check_variants(&q.variants, &at, &mut problems);
        }
        // Within a variant, every tag and title must say one field or question.
        for v in &self.variants {
            let mut tags = HashSet::new();
            let mut aliases = HashSet::new();
            let items = self
                .fields_of(&v.id)
                .map(|f| (f.id.as_str(), f.tag(), f.alias.as_str()))
                .chain(
                    self.questions_of(&v.id)
                        .map(|q| (q.id.as_str(), q.tag(), q.alias.as_str())),
                );
            for (id, tag, alias) in items {
                if !tags.insert(tag.to_lowercase()) {
                    problems.push(format!(
                        "variant {}: the tag {tag} of {id} is used twice",
                        v.id
                    ));
                }
                if !aliases.insert(alias.to_lowercase()) {
                    problems.push(format!(
                        "variant {}: the title {alias} of {id} is used twice",
                        v.id
                    ));
                }
            }
            if self.questions_of(&v.id).next().is_none() {
                problems.push(format!("variant {}: it holds no question", v.id));
            }
        }
        problems
    }
}

/// Which kind of schema file a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Questionnaire,
    Registry,
}

/// What `blankett schema check` finds in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
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

/// The registry of respondents: committees and company boards.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registry {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    pub id: String,
    /// The organisation the committees belong to (Stockholms kommun).
    pub organisation: Organisation,
    pub respondents: Vec<Respondent>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    pub organisation_number: Option<String>,
}

/// A committee or company board that answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Respondent {
    pub id: String,
    /// Official name (`Östermalms stadsdelsnämnd`).
    pub name: String,
    /// `stadsdelsnamnd`, `facknamnd`, `bolagsstyrelse`.
    pub kind: String,
    /// Other names forms use: the administration, SDN forms, without genitive s.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// First day the respondent exists (ISO date).
    pub valid_from: Option<String>,
    /// Last day the respondent exists (ISO date), when it has ended.
    pub valid_to: Option<String>,
    /// Where one exists: a committee's is its municipality's; a company has its own.
    pub organisation_number: Option<String>,
    /// The respondents that took over when this one ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<String>,
}

impl Respondent {
    /// True when the respondent exists on `date` (ISO); an unknown date accepts everyone.
    pub fn valid_on(&self, date: Option<&str>) -> bool {
        let Some(d) = date else { return true };
        self.valid_from.as_deref().is_none_or(|f| f <= d)
            && self.valid_to.as_deref().is_none_or(|t| d <= t)
    }
}

impl Registry {
    pub fn builtin() -> Registry {
        serde_json::from_str(BUILTIN_REGISTRY).expect("the built-in registry parses")
    }

    pub fn load(path: &Path) -> Result<Registry, SchemaError> {
        let r: Registry = read_json(path)?;
        let problems = r.check();
        if problems.is_empty() {
            Ok(r)
        } else {
            Err(SchemaError {
                file: path.display().to_string(),
                problems,
            })
        }
    }

    pub fn get(&self, id: &str) -> Option<&Respondent> {
        self.respondents.iter().find(|r| r.id == id)
    }

    /// What is wrong with the registry beyond its JSON shape.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        check_id(&self.id, "id", &mut problems);
        let ids: HashSet<&str> = self.respondents.iter().map(|r| r.id.as_str()).collect();
        let mut seen = HashSet::new();
        for (i, r) in self.respondents.iter().enumerate() {
            let at = format!("respondents[{i}]");
            check_id(&r.id, &format!("{at}.id"), &mut problems);
            if !seen.insert(r.id.as_str()) {
                problems.push(format!("{at}.id: {} is used twice", r.id));
            }
            for (key, d) in [("validFrom", &r.valid_from), ("validTo", &r.valid_to)] {
                if let Some(d) = d
                    && !is_iso_date(d)
                {
                    problems.push(format!("{at}.{key}: {d} is not an ISO date (YYYY-MM-DD)"));
                }
            }
            if let (Some(f), Some(t)) = (&r.valid_from, &r.valid_to)
                && f > t
            {
                problems.push(format!("{at}: validFrom {f} is after validTo {t}"));
            }
            if let Some(n) = &r.organisation_number
                && !is_organisation_number(n)
            {
                problems.push(format!(
                    "{at}.organisationNumber: {n} is not an organisation number (NNNNNN-NNNN)"
                ));
            }
            for s in &r.successors {
                if !ids.contains(s.as_str()) {
                    problems.push(format!("{at}.successors: no respondent {s}"));
                }
            }
        }
        problems
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
        let mut q: serde_json::Value = serde_json::from_str(BUILTIN_QUESTIONNAIRE).unwrap();
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
}
