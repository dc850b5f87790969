//! Typed values of answers: yes/no, dates and choices, from the control's own value when it
//! has one, else read from the text the way people write them (`ja`, `30/4/2022`,
//! `Varje månad`). The answer's text itself is [`super::answers`]'.

use super::text_match::key;
use super::warning;
use crate::model::{Control, Value};
use crate::schema::{Question, QuestionType};
use crate::submission::SubmissionWarning;
use crate::warning_code::WarningCode;

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
            WarningCode::ValueUnrecognised,
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

#[cfg(test)]
mod tests {
    use serde_json::{Value as J, json};

    use super::*;
    use crate::mapping::testing::{DocBuilder, questionnaire};
    use crate::model::ControlType;

    /// The value of question `id` answered `text` (by `control`, if given), and the warnings.
    fn value_of(id: &str, control: Option<&Control>, text: &str) -> (Option<J>, Vec<String>) {
        let q = questionnaire();
        let q = q.questions.iter().find(|q| q.id == id).unwrap();
        let mut warnings = Vec::new();
        let v = typed_value(q, control, text, &mut warnings);
        (v, warnings.into_iter().map(|w| w.message).collect())
    }

    fn control_with(value: Value) -> Control {
        DocBuilder::new()
            .control(|c| c.kind(ControlType::Checkbox).value(value))
            .build()
            .controls
            .remove(0)
    }

    #[test]
    fn yes_and_no_as_people_write_them() {
        for (text, v) in [
            ("Ja", true),
            ("JA.", true),
            ("x", true),
            ("Nej", false),
            ("false", false),
        ] {
            assert_eq!(
                value_of("q3", None, text),
                (Some(json!(v)), vec![]),
                "{text}"
            );
        }
        let (v, warned) = value_of("q3", None, "kanske");
        assert_eq!(v, None);
        assert_eq!(warned, ["the answer \"kanske\" is not a yes/no value"]);
    }

    #[test]
    fn a_controls_own_value_wins_over_its_text() {
        let checkbox = control_with(Value::Boolean(false));
        assert_eq!(value_of("q3", Some(&checkbox), "Ja").0, Some(json!(false)));
        let date = control_with(Value::Date("2022-04-30".into()));
        assert_eq!(
            value_of("q4", Some(&date), "snart").0,
            Some(json!("2022-04-30"))
        );
        let list = control_with(Value::Choice {
            value: "kvartal".into(),
            display_text: "Varje månad".into(),
        });
        assert_eq!(
            value_of("q5", Some(&list), "Varje månad").0,
            Some(json!("kvartal"))
        );
    }

    #[test]
    fn a_choice_is_found_by_its_value_its_label_or_its_value_written_out() {
        assert_eq!(value_of("q5", None, "manad").0, Some(json!("manad")));
        assert_eq!(value_of("q5", None, "varje månad").0, Some(json!("manad")));
        assert_eq!(value_of("q5", None, "KVARTAL").0, Some(json!("kvartal")));
        // A list entry the questionnaire lacks: its display text decides.
        let list = control_with(Value::Choice {
            value: "3".into(),
            display_text: "Varje kvartal".into(),
        });
        assert_eq!(
            value_of("q5", Some(&list), "Varje kvartal").0,
            Some(json!("kvartal"))
        );
        let (v, warned) = value_of("q5", None, "Ibland");
        assert_eq!(v, None);
        assert_eq!(warned, ["the answer \"Ibland\" is not a choice value"]);
    }

    #[test]
    fn dates_are_read_from_the_text_and_a_wrong_one_is_warned_of() {
        assert_eq!(
            value_of("q4", None, "30 april 2022").0,
            Some(json!("2022-04-30"))
        );
        let (v, warned) = value_of("q4", None, "i våras");
        assert_eq!(v, None);
        assert_eq!(warned, ["the answer \"i våras\" is not a date value"]);
    }

    #[test]
    fn text_questions_and_empty_answers_have_no_value_and_no_warning() {
        assert_eq!(value_of("q1", None, "Ja"), (None, vec![]));
        assert_eq!(value_of("q3", None, ""), (None, vec![]));
    }

    #[test]
    fn dates_as_people_write_them() {
        assert_eq!(parse_date("2022-04-30").as_deref(), Some("2022-04-30"));
        assert_eq!(parse_date(" 30/4/2022 ").as_deref(), Some("2022-04-30"));
        assert_eq!(parse_date("30.4.2022").as_deref(), Some("2022-04-30"));
        assert_eq!(parse_date("1 okt 2021").as_deref(), Some("2021-10-01"));
        assert_eq!(parse_date("1 October 2021").as_deref(), Some("2021-10-01"));
        assert_eq!(parse_date("3 May, 2022").as_deref(), Some("2022-05-03"));
        assert_eq!(parse_date("30 april 2022").as_deref(), Some("2022-04-30"));
        assert_eq!(parse_date("32/1/2022"), None);
        assert_eq!(parse_date("1/13/2022"), None);
        assert_eq!(parse_date("april 2022"), None);
        assert_eq!(parse_date("snart"), None);
    }
}
