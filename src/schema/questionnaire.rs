//! The questionnaire format: focus areas, the fields that say who answers, the questions and
//! the template variants that hold them, and the checks a JSON Schema cannot make.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Checked, SchemaError, check_id, load_checked};

/// The city's questionnaire, `schemas/naringsliv-uppfoljning-2022.json`.
const BUILTIN_QUESTIONNAIRE: &str = include_str!("../../schemas/naringsliv-uppfoljning-2022.json");

/// A questionnaire: focus areas, the fields that say who answers, the questions, and the
/// template variants that hold them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Questionnaire {
    /// `$schema`: where an editor finds the JSON Schema; ignored by blankett.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    /// Stable ASCII id (`naringsliv-uppfoljning`).
    pub id: String,
    /// Version of the questionnaire (`2022`).
    pub version: String,
    /// Title of the questionnaire as the template shows it (`Uppföljningsrapport näringsliv`).
    pub title: String,
    /// The focus areas of the policy, the headings the questions stand under; empty when left out.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Fields that say who answers and how to reach them (committee, contact person …).
    #[serde(default)]
    pub fields: Vec<Field>,
    /// The questions, in template order; every answer in every output is keyed by a question's
    /// `id`.
    pub questions: Vec<Question>,
    /// The template variants: which kinds of respondent get which template. At least one.
    pub variants: Vec<Variant>,
    /// Text every template variant holds that is never an answer (titles, instructions).
    #[serde(default)]
    pub template_text: Vec<String>,
}

/// A focus area of the policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Area {
    /// The area's number (1–4 in the business policy), unique; `questions[].area` refers to it.
    pub number: u8,
    /// The area's heading as the current template writes it.
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
    /// The name of the person to contact.
    ContactName,
    /// The contact person's phone number.
    ContactPhone,
    /// The contact person's e-mail address.
    ContactEmail,
    /// The reporting round (`Tertialrapport 1 2022`).
    Round,
}

/// A field of the form's header.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    /// Stable ASCII id of the field (`kontaktperson`); unique among fields and questions.
    pub id: String,
    /// What the field tells.
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
    /// Free text; the default.
    #[default]
    Text,
    /// A checkbox: checked or not.
    Boolean,
    /// An ISO date.
    Date,
    /// One of the question's `choices`.
    Choice,
}

/// A choice of a `choice` question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Choice {
    /// The value written into the submission's `answers[].value` when this choice is selected.
    pub value: String,
    /// The text the template shows for the choice (the drop-down's display text).
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
    /// The type of answer (`type` in JSON); `text` when left out.
    #[serde(default, rename = "type")]
    pub question_type: QuestionType,
    /// The choices of a `choice` question, in the order the template lists them; only a `choice`
    /// question has them.
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
    /// Stable ASCII id of the variant (`stadsdelsnamnd`), written into submissions as
    /// `questionnaire.variant`.
    pub id: String,
    /// Human title of the variant (`Stadsdelsnämnderna`).
    pub title: String,
    /// The kinds of respondent (registry `kind`) that answer this variant.
    pub kinds: Vec<String>,
    /// Text of this variant's template that is never an answer.
    #[serde(default)]
    pub template_text: Vec<String>,
}

impl Field {
    /// The tag the field's control carries: `tag`, else the `id`.
    pub fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or(&self.id)
    }

    /// True when the template of `variant` holds the field (every variant does when `variants` is
    /// empty).
    pub fn in_variant(&self, variant: &str) -> bool {
        self.variants.is_empty() || self.variants.iter().any(|v| v == variant)
    }
}

impl Question {
    /// The tag the question's control carries: `tag`, else the `id`.
    pub fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or(&self.id)
    }

    /// True when the template of `variant` holds the question (every variant does when `variants`
    /// is empty).
    pub fn in_variant(&self, variant: &str) -> bool {
        self.variants.is_empty() || self.variants.iter().any(|v| v == variant)
    }
}

impl Questionnaire {
    /// The questionnaire compiled into the program.
    pub fn builtin() -> Questionnaire {
        serde_json::from_str(BUILTIN_QUESTIONNAIRE).expect("the built-in questionnaire parses")
    }

    /// Reads a questionnaire file and checks it.
    pub fn load(path: &Path) -> Result<Questionnaire, SchemaError> {
        load_checked(path)
    }

    /// The variant with id `id`, if there is one.
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }

    /// The focus area numbered `number`, if there is one.
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

impl Checked for Questionnaire {
    fn check(&self) -> Vec<String> {
        Questionnaire::check(self)
    }
}
