//! The questionnaire format: focus areas, the fields that say who answers, the questions and
//! the template variants that hold them, and the checks a JSON Schema cannot make.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Checked, Problem, SchemaError, check_id, is_iso_date, load_checked, readable};
use crate::round_id::RoundId;

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
    /// When the forms of each round are due; the template of a round says so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<Deadline>,
    /// How to send the filled-in form back, in paragraphs: the template shows them under the
    /// deadline, and a form's text equal to one of them is never an answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub return_instructions: Vec<String>,
}

/// The day a round's forms are due.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deadline {
    /// The round (`2022-T1`), once in the list.
    pub round: RoundId,
    /// The last day to send the form back, an ISO date (`2022-05-06`).
    pub date: String,
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
    /// The placeholder text the template shows in the field; text equal to it is no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Placeholder texts earlier templates showed in the field (`Stadsdelsnämnderna`): text
    /// equal to one of them is no value either, so that forms sent out before still read so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_placeholders: Vec<String>,
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

    /// Every placeholder text the field is known to show, the current one first: text equal to
    /// one of them is no value.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.placeholder
            .iter()
            .chain(&self.former_placeholders)
            .map(String::as_str)
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

    /// The day the forms of `round` are due (ISO), when the questionnaire says.
    pub fn deadline(&self, round: RoundId) -> Option<&str> {
        self.deadlines
            .iter()
            .find(|d| d.round == round)
            .map(|d| d.date.as_str())
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

    /// What is wrong with the questionnaire beyond its JSON shape: ids, references, tags; each
    /// problem after the JSON Pointer of where it is (`/questions/2/variants: no variant okand`).
    pub fn check(&self) -> Vec<String> {
        Parts::of(self)
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}

impl Checked for Questionnaire {
    fn check(&self) -> Vec<String> {
        Questionnaire::check(self)
    }
}

/// The parts of a questionnaire the checks look at, each element with its place in the file's
/// list. Read from a file whose shape is wrong ([`Parts::read`]), it holds the elements that
/// read, so that the checks find in one pass what the JSON Schema cannot say of them.
pub(super) struct Parts {
    id: Option<String>,
    areas: Vec<(usize, Area)>,
    fields: Vec<(usize, Field)>,
    questions: Vec<(usize, Question)>,
    /// `None` when the file lists no variants at all (the JSON Schema says so).
    variants: Option<Vec<(usize, Variant)>>,
    deadlines: Vec<(usize, Deadline)>,
    /// Every question read: when one did not, a variant may hold it.
    all_questions_read: bool,
    /// The ids of the variants and the numbers of the areas the file names, those of elements
    /// that do not read whole too: a reference to one of them is not a problem of its own.
    variant_ids: HashSet<String>,
    area_numbers: HashSet<u8>,
}

impl Parts {
    fn of(q: &Questionnaire) -> Parts {
        fn places<T: Clone>(list: &[T]) -> Vec<(usize, T)> {
            list.iter().cloned().enumerate().collect()
        }
        Parts {
            id: Some(q.id.clone()),
            areas: places(&q.areas),
            fields: places(&q.fields),
            questions: places(&q.questions),
            variants: Some(places(&q.variants)),
            deadlines: places(&q.deadlines),
            all_questions_read: true,
            variant_ids: q.variants.iter().map(|v| v.id.clone()).collect(),
            area_numbers: q.areas.iter().map(|a| a.number).collect(),
        }
    }

    /// The parts of a questionnaire file's JSON that read, whatever is wrong with the rest.
    pub(super) fn read(json: &serde_json::Value) -> Parts {
        let list = |key: &str| json.get(key).and_then(serde_json::Value::as_array);
        let named = |key: &str, name: &str| -> Vec<serde_json::Value> {
            list(key)
                .into_iter()
                .flatten()
                .filter_map(|v| v.get(name).cloned())
                .collect()
        };
        let questions = readable(list("questions"));
        Parts {
            id: json.get("id").and_then(|v| v.as_str()).map(str::to_owned),
            areas: readable(list("areas")),
            fields: readable(list("fields")),
            all_questions_read: questions.len() == list("questions").map_or(0, Vec::len),
            questions,
            variants: list("variants").map(|l| readable(Some(l))),
            deadlines: readable(list("deadlines")),
            variant_ids: named("variants", "id")
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            area_numbers: named("areas", "number")
                .iter()
                .filter_map(|v| v.as_u64()?.try_into().ok())
                .collect(),
        }
    }

    /// The variants that read, or none.
    fn variants(&self) -> &[(usize, Variant)] {
        self.variants.as_deref().unwrap_or_default()
    }

    /// What is wrong beyond the JSON shape: ids, references, tags and titles, deadlines.
    pub(super) fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Some(id) = &self.id {
            check_id(id, "/id", &mut problems);
        }
        if self.variants.as_ref().is_some_and(Vec::is_empty) && self.variant_ids.is_empty() {
            problems.push(Problem::new(
                "/variants",
                "there must be at least one variant",
            ));
        }
        let mut seen = HashSet::new();
        for (i, v) in self.variants() {
            let at = format!("/variants/{i}/id");
            check_id(&v.id, &at, &mut problems);
            if !seen.insert(v.id.as_str()) {
                problems.push(Problem::new(at, format!("{} is used twice", v.id)));
            }
        }
        let mut areas = HashSet::new();
        for (i, a) in &self.areas {
            if !areas.insert(a.number) {
                problems.push(Problem::new(
                    format!("/areas/{i}/number"),
                    format!("area {} is listed twice", a.number),
                ));
            }
        }
        self.check_items(&mut problems);
        self.check_deadlines(&mut problems);
        for (i, v) in self.variants() {
            self.check_variant(*i, v, &mut problems);
        }
        problems
    }

    /// Fields and questions: ids, the variants and areas they name, a question's text and choices.
    fn check_items(&self, problems: &mut Vec<Problem>) {
        let mut ids = HashSet::new();
        let check_variants = |list: &[String], at: &str, problems: &mut Vec<Problem>| {
            for v in list {
                if !self.variant_ids.contains(v) {
                    problems.push(Problem::new(
                        format!("{at}/variants"),
                        format!("no variant {v}"),
                    ));
                }
            }
        };
        for (i, f) in &self.fields {
            let at = format!("/fields/{i}");
            check_id(&f.id, &format!("{at}/id"), problems);
            if !ids.insert(f.id.as_str()) {
                problems.push(Problem::new(
                    format!("{at}/id"),
                    format!("{} is used twice", f.id),
                ));
            }
            check_variants(&f.variants, &at, problems);
        }
        for (i, q) in &self.questions {
            let at = format!("/questions/{i}");
            check_id(&q.id, &format!("{at}/id"), problems);
            if !ids.insert(q.id.as_str()) {
                problems.push(Problem::new(
                    format!("{at}/id"),
                    format!("{} is used twice", q.id),
                ));
            }
            if let Some(a) = q.area
                && !self.area_numbers.contains(&a)
            {
                problems.push(Problem::new(format!("{at}/area"), format!("no area {a}")));
            }
            if q.text.trim().is_empty() {
                problems.push(Problem::new(
                    format!("{at}/text"),
                    "the question has no text",
                ));
            }
            match (q.question_type, q.choices.is_empty()) {
                (QuestionType::Choice, true) => problems.push(Problem::new(
                    format!("{at}/choices"),
                    "a choice question needs choices",
                )),
                (t, false) if t != QuestionType::Choice => problems.push(Problem::new(
                    format!("{at}/choices"),
                    "only a choice question has choices",
                )),
                _ => {}
            }
            check_variants(&q.variants, &at, problems);
        }
    }

    fn check_deadlines(&self, problems: &mut Vec<Problem>) {
        let mut rounds = HashSet::new();
        for (i, d) in &self.deadlines {
            if !is_iso_date(&d.date) {
                problems.push(Problem::new(
                    format!("/deadlines/{i}/date"),
                    format!("{} is not an ISO date (YYYY-MM-DD)", d.date),
                ));
            }
            if !rounds.insert(d.round) {
                problems.push(Problem::new(
                    format!("/deadlines/{i}/round"),
                    format!("{} has a deadline already", d.round),
                ));
            }
        }
    }

    /// Within a variant, every tag and title must say one field or question, and the variant
    /// must hold a question.
    fn check_variant(&self, i: usize, v: &Variant, problems: &mut Vec<Problem>) {
        let mut tags = HashSet::new();
        let mut aliases = HashSet::new();
        let fields = self.fields.iter().filter(|(_, f)| f.in_variant(&v.id));
        let questions = self.questions.iter().filter(|(_, q)| q.in_variant(&v.id));
        let items = fields
            .map(|(j, f)| (format!("/fields/{j}"), f.tag(), f.alias.as_str()))
            .chain(questions.map(|(j, q)| (format!("/questions/{j}"), q.tag(), q.alias.as_str())));
        for (at, tag, alias) in items {
            if !tags.insert(tag.to_lowercase()) {
                problems.push(Problem::new(
                    format!("{at}/tag"),
                    format!("the tag {tag} is used twice in variant {}", v.id),
                ));
            }
            if !aliases.insert(alias.to_lowercase()) {
                problems.push(Problem::new(
                    format!("{at}/alias"),
                    format!("the title {alias} is used twice in variant {}", v.id),
                ));
            }
        }
        if self.all_questions_read && !self.questions.iter().any(|(_, q)| q.in_variant(&v.id)) {
            problems.push(Problem::new(
                format!("/variants/{i}"),
                format!("variant {} holds no question", v.id),
            ));
        }
    }
}
