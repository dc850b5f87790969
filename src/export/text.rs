//! Text as the exports write it: cleaned of what XML 1.0 or a terminal cannot take, and the
//! words the exports share (the title, area headings, typed values, contact details).
//! Not how each export lays them out, nor the statuses' words (`crate::vocabulary`).

use std::borrow::Cow;

use crate::output::Generator;
use crate::round::{Round, RoundAnswer, RoundQuestion, RoundRespondent};
use crate::schema::Questionnaire;
use crate::submission::AnswerStatus;
use crate::submission::Contact;
use crate::vocabulary::Mark;

/// Text as the spreadsheet, the Word report and the Markdown write it: line ends as `\n`
/// (`\r\n` and a lone `\r` too, so that a writer that goes line by line sees every line),
/// tabs kept, and no other control character, U+FFFE or U+FFFF. Those are what XML 1.0 cannot
/// hold ([`is_xml_illegal`](crate::xml::is_xml_illegal); the reader drops them from forms
/// already, but a submission edited by hand may hold them), and also DEL and the C1 controls
/// (U+0080–U+009F), which XML holds but which a terminal showing the Markdown may act on as it
/// does on an escape sequence. Borrowed when there is nothing to drop. The JSON export keeps
/// the round as it is.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\t' && c != '\n' || is_nonchar(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\t' | '\n' => out.push(c),
            c if c.is_control() || is_nonchar(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// U+FFFE and U+FFFF, which XML 1.0 cannot hold though they are no controls.
fn is_nonchar(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// What the reports say when the round is not known and no list of who is expected was given:
/// then nobody is expected (the registry's committees of every period are not guessed at), so
/// who has not answered cannot be told.
pub(crate) const ROUND_UNKNOWN: &str = "Omgången är okänd (varken angiven eller utläst ur formulären), så ingen förväntas och det går inte att säga vilka som inte har lämnat in. Ange omgången (--round 2022-T1) för att se det.";

/// What the reports say where the respondents without a form would be listed and there are
/// none.
pub(crate) fn none_missing(round: &Round) -> &'static str {
    if round.round_unknown() {
        ROUND_UNKNOWN
    } else {
        "Alla förväntade har lämnat in."
    }
}

/// The answers a question shows: all of them, or for an optional question (`Övriga
/// upplysningar`) only those with something written, since a blank there is no gap to report.
pub(crate) fn shown_answers<'r>(
    q: &Questionnaire,
    question: &'r RoundQuestion,
) -> Vec<&'r RoundAnswer> {
    let optional = q
        .questions
        .iter()
        .any(|qu| qu.id == question.question_id && qu.optional);
    question
        .answers
        .iter()
        .filter(|a| !optional || a.status == AnswerStatus::Answered || !a.text.is_empty())
        .collect()
}

/// What an answer list says under a respondent's name when there is no answer to show:
/// the status's label (`Obesvarad.`), as the completeness table's legend has it.
pub(crate) fn answer_note(m: Mark) -> String {
    format!("{}.", m.label())
}

/// The line that closes a report: when the round was made and by which program (`Skapad
/// 2022-05-02 kl. 08.30 UTC med blankett 0.1.0.`, the time as Swedish text writes it), so that a
/// printed report can be matched with the round file it came from.
pub(crate) fn made_by(round: &Round) -> String {
    made_by_at(made_at(round))
}

/// The line that closes a report made at `at` (see [`made_by`]).
pub(crate) fn made_by_at(at: Option<jiff::Timestamp>) -> String {
    let generator = Generator::current();
    match at {
        Some(at) => format!(
            "Skapad {} med {generator}.",
            at.strftime("%Y-%m-%d kl. %H.%M UTC")
        ),
        None => format!("Skapad med {generator}."),
    }
}

/// When the round was made, as the exports record it: its `generatedAt` when that is an
/// RFC 3339 time (a round file edited by hand may say anything there, and a document property
/// must hold a time).
pub(crate) fn made_at(round: &Round) -> Option<jiff::Timestamp> {
    round.generated_at.as_deref()?.parse().ok()
}

/// The report's title: the questionnaire's, and the round (`Uppföljningsrapport näringsliv –
/// 2022-T1`).
pub(crate) fn title(round: &Round, q: &Questionnaire) -> String {
    let t = q.title.trim();
    match &round.round {
        Some(r) => format!("{t} – {r}"),
        None => t.to_owned(),
    }
}

/// A focus area's heading: `1. Stimulera tillväxt och företagsamhet`.
pub(crate) fn area_heading(number: u8, title: &str) -> String {
    if title.trim().is_empty() {
        format!("{number}.")
    } else {
        format!("{number}. {}", title.trim())
    }
}

/// A typed value in words, for the reports (`ja`/`nej`, the date, the choice); `None` for none.
pub(crate) fn value_sv(v: &Option<serde_json::Value>) -> Option<String> {
    match v.as_ref()? {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(true) => Some("ja".into()),
        serde_json::Value::Bool(false) => Some("nej".into()),
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The contact details a respondent's entry carries, if any field is filled in.
pub(crate) fn contact_of(r: &RoundRespondent) -> Option<&Contact> {
    r.contact.as_ref().filter(|c| {
        contact_name(c).is_some() || contact_phone(c).is_some() || contact_email(c).is_some()
    })
}

pub(crate) fn contact_name(c: &Contact) -> Option<&str> {
    c.name.as_deref().filter(|s| !s.trim().is_empty())
}

/// The phone number, normalized where it could be.
pub(crate) fn contact_phone(c: &Contact) -> Option<&str> {
    c.phone
        .as_deref()
        .or(c.phone_as_written.as_deref())
        .filter(|s| !s.trim().is_empty())
}

/// The e-mail address, normalized where it could be.
pub(crate) fn contact_email(c: &Contact) -> Option<&str> {
    c.email
        .as_deref()
        .or(c.email_as_written.as_deref())
        .filter(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_holds_no_character_xml_or_a_terminal_cannot_take() {
        assert_eq!(
            clean("a\u{FFFE}b\u{FFFF}c\u{1}d\u{8}e\u{1B}[2Jf\u{7F}g\u{9B}h\0i"),
            "abcde[2Jfghi"
        );
        assert_eq!(
            clean("rad 1\r\nrad 2\rrad 3\n\tindrag"),
            "rad 1\nrad 2\nrad 3\n\tindrag"
        );
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            let kept = clean(&s);
            assert!(
                kept.chars().all(|k| !crate::xml::is_xml_illegal(k)),
                "{c:?} kept"
            );
        }
    }

    #[test]
    fn a_report_says_when_the_round_was_made_only_when_it_holds_a_time() {
        let version = env!("CARGO_PKG_VERSION");
        let mut round = crate::export::testing::round(false);
        assert_eq!(
            made_by(&round),
            format!("Skapad 2022-05-02 kl. 08.30 UTC med blankett {version}.")
        );
        for not_a_time in [Some("<igår>".to_owned()), None] {
            round.generated_at = not_a_time;
            assert_eq!(made_by(&round), format!("Skapad med blankett {version}."));
            assert_eq!(made_at(&round), None);
        }
    }

    #[test]
    fn clean_text_borrows_what_needs_no_change() {
        for s in ["", "Östermalm – 2022", "rad 1\nrad 2\tflik", "😀 \u{A0}"] {
            assert!(matches!(clean(s), Cow::Borrowed(b) if b == s), "{s:?}");
        }
    }
}
