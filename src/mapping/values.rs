//! Typed values of answers: yes/no, dates and choices, from the control's own value when it
//! has one, else read from the text the way people write them (`ja`, `30/4/2022`,
//! `Varje månad`). The answer's text itself is [`super::answers`]'.

use super::text_match::key;
use super::warning;
use crate::model::{Control, Value};
use crate::schema::{Question, QuestionType};
use crate::submission::SubmissionWarning;

/// The typed value of a boolean, date or choice question: from the control's value when it
/// has one, else read from the text.
pub(super) fn typed_value(
    q: &Question,
    control: Option<&Control>,
    text: &str,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    let control_value = control.and_then(|c| c.value.as_ref());
    let v = match q.question_type {
        QuestionType::Text => return None,
        QuestionType::Boolean => match control_value {
            Some(Value::Boolean(b)) => Some(J::Bool(*b)),
            _ => parse_boolean(text).map(J::Bool),
        },
        QuestionType::Date => match control_value {
            Some(Value::Date(d)) => Some(J::String(d.clone())),
            _ => parse_date(text).map(J::String),
        },
        QuestionType::Choice => choice(q, control_value, text).map(J::String),
    };
    if v.is_none() && !text.is_empty() {
        let kind = match q.question_type {
            QuestionType::Boolean => "yes/no",
            QuestionType::Date => "date",
            _ => "choice",
        };
        warnings.push(warning(
            "value-unrecognised",
            format!("the answer {text:?} is not a {kind} value"),
            Some(&q.id),
        ));
    }
    v
}

fn parse_boolean(text: &str) -> Option<bool> {
    match key(text).as_str() {
        "ja" | "yes" | "x" | "sant" | "true" => Some(true),
        "nej" | "no" | "falskt" | "false" => Some(false),
        _ => None,
    }
}

/// The value of the choice the control selects or the text names: by value, then by label,
/// then by a value written as text.
fn choice(q: &Question, control_value: Option<&Value>, text: &str) -> Option<String> {
    let (value, display) = match control_value {
        Some(Value::Choice {
            value,
            display_text,
        }) => (value.as_str(), display_text.as_str()),
        _ => (text, text),
    };
    q.choices
        .iter()
        .find(|c| c.value == value)
        .or_else(|| q.choices.iter().find(|c| key(&c.label) == key(display)))
        .or_else(|| q.choices.iter().find(|c| key(&c.value) == key(display)))
        .map(|c| c.value.clone())
}

/// `2022-04-30`, `30/4/2022`, `30.4.2022`, `30 april 2022` → ISO date.
pub(super) fn parse_date(text: &str) -> Option<String> {
    let t = text.trim();
    if crate::schema::is_iso_date(t) {
        return Some(t.to_owned());
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let words: Vec<String> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '.' | '-' | ','))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() != 3 {
        return None;
    }
    let day: u32 = words[0].parse().ok()?;
    let month: u32 = words[1].parse().ok().or_else(|| {
        let m = words[1].get(..3)?;
        let m = if m == "may" {
            "maj"
        } else if m == "oct" {
            "okt"
        } else {
            m
        };
        MONTHS.iter().position(|x| *x == m).map(|i| i as u32 + 1)
    })?;
    let year: u32 = words[2].parse().ok()?;
    let iso = format!("{year:04}-{month:02}-{day:02}");
    crate::schema::is_iso_date(&iso).then_some(iso)
}
