//! The one vocabulary of a question's status as people read it: for each status its stable
//! code (what the JSON and the CSV write), the symbol a completeness table shows, the Swedish
//! label, what it means, and its colours. `status`, the Markdown, the Word report and the
//! spreadsheet take their words from here, so that a symbol or a label means one thing
//! wherever it is shown. Not how each of them lays the words out.

use crate::round::Cell;

/// A question's status for one respondent, as every report shows it: the four statuses of the
/// completeness matrix ([`Cell`]), and a form that came in but could not be read (known from
/// `report.json`, never part of a round: `status` shows it).
///
/// ```
/// use blankett::{Cell, Mark};
/// let m = Mark::from(Cell::NotSubmitted);
/// assert_eq!((m.code(), m.symbol(), m.label()), ("notSubmitted", "✗", "Ej inkommen"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mark {
    /// The form answers the question.
    Answered,
    /// The form holds the question but leaves it unanswered (a placeholder or empty).
    Unanswered,
    /// The form came in but the question is not in it.
    Missing,
    /// No form came in.
    NotSubmitted,
    /// A form came in but could not be read.
    FormFailed,
}

/// What a list of the expected respondents without a form is headed: the plural of
/// [`Mark::NotSubmitted`]'s label, so that the list and the table's cells say the same.
pub(crate) const NOT_SUBMITTED_HEADING: &str = "Ej inkomna";

impl Mark {
    /// The statuses of a completeness matrix, in the order legends list them.
    pub const MATRIX: [Mark; 4] = [
        Mark::Answered,
        Mark::Unanswered,
        Mark::Missing,
        Mark::NotSubmitted,
    ];

    /// Every status, in the order legends list them.
    pub const ALL: [Mark; 5] = [
        Mark::Answered,
        Mark::Unanswered,
        Mark::Missing,
        Mark::NotSubmitted,
        Mark::FormFailed,
    ];

    /// The stable code, as the JSON and the CSV write it (`notSubmitted`; `formFailed` as
    /// `status --json` writes a respondent's status).
    pub fn code(self) -> &'static str {
        match self {
            Mark::Answered => "answered",
            Mark::Unanswered => "unanswered",
            Mark::Missing => "missing",
            Mark::NotSubmitted => "notSubmitted",
            Mark::FormFailed => "formFailed",
        }
    }

    /// The symbol a completeness table shows: one character, the same in the terminal, the
    /// Markdown and the Word report.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Answered => "✓",
            Mark::Unanswered => "○",
            Mark::Missing => "–",
            Mark::NotSubmitted => "✗",
            Mark::FormFailed => "!",
        }
    }

    /// The label in Swedish, as every report writes it (`Ej inkommen`).
    pub fn label(self) -> &'static str {
        match self {
            Mark::Answered => "Besvarad",
            Mark::Unanswered => "Obesvarad",
            Mark::Missing => "Saknas i formuläret",
            Mark::NotSubmitted => "Ej inkommen",
            Mark::FormFailed => "Formuläret kunde inte läsas",
        }
    }

    /// What the status means, in a Swedish sentence, for a legend that explains.
    pub fn meaning(self) -> &'static str {
        match self {
            Mark::Answered => "Frågan är besvarad.",
            Mark::Unanswered => {
                "Formuläret kom in, men frågan är obesvarad (platshållartexten står kvar eller fältet är tomt)."
            }
            Mark::Missing => "Formuläret kom in, men frågan finns inte i det.",
            Mark::NotSubmitted => "Inget formulär har kommit in.",
            Mark::FormFailed => "Ett formulär kom in men kunde inte läsas; be att få det igen.",
        }
    }

    /// A legend in one line: each mark's symbol and label, joined by `separator`
    /// (`✓ Besvarad · ○ Obesvarad …`).
    pub fn legend(marks: &[Mark], separator: &str) -> String {
        marks
            .iter()
            .map(|m| format!("{} {}", m.symbol(), m.label()))
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// The fill colour of a cell with this status, as six hex digits (`C6EFCE`): what a page
    /// that shows the statuses fills them with, to match the exports.
    pub fn fill(self) -> String {
        format!("{:06X}", self.colours().0)
    }

    /// The fill and font colours (RGB) of a cell with this status: Excel's own "Good",
    /// "Neutral" and "Bad" styles, an orange between them, and a violet apart from them all.
    pub(crate) fn colours(self) -> (u32, u32) {
        match self {
            Mark::Answered => (0xC6EFCE, 0x006100),
            Mark::Unanswered => (0xFFEB9C, 0x9C5700),
            Mark::Missing => (0xF8CBAD, 0x843C0C),
            Mark::NotSubmitted => (0xFFC7CE, 0x9C0006),
            Mark::FormFailed => (0xE4DFEC, 0x5B2C6F),
        }
    }
}

impl From<Cell> for Mark {
    fn from(c: Cell) -> Mark {
        match c {
            Cell::Answered => Mark::Answered,
            Cell::Unanswered => Mark::Unanswered,
            Cell::Missing => Mark::Missing,
            Cell::NotSubmitted => Mark::NotSubmitted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_symbol_label_and_code_says_one_status() {
        for (i, a) in Mark::ALL.iter().enumerate() {
            for b in &Mark::ALL[i + 1..] {
                assert_ne!(a.symbol(), b.symbol(), "{a:?} {b:?}");
                assert_ne!(a.label(), b.label(), "{a:?} {b:?}");
                assert_ne!(a.code(), b.code(), "{a:?} {b:?}");
                assert_ne!(a.colours().0, b.colours().0, "{a:?} {b:?}");
            }
            assert_eq!(a.symbol().chars().count(), 1, "{a:?}");
        }
    }

    #[test]
    fn the_fill_is_the_exports_colour_in_hex() {
        assert_eq!(Mark::Answered.fill(), "C6EFCE");
        assert_eq!(Mark::FormFailed.fill(), "E4DFEC");
    }

    #[test]
    fn the_matrix_codes_are_the_round_s_own() {
        for c in [
            Cell::Answered,
            Cell::Unanswered,
            Cell::Missing,
            Cell::NotSubmitted,
        ] {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json.trim_matches('"'), Mark::from(c).code());
            assert!(Mark::MATRIX.contains(&Mark::from(c)));
        }
    }

    #[test]
    fn a_form_that_failed_has_the_code_status_gives_such_a_respondent() {
        let json = serde_json::to_string(&crate::status::ReplyStatus::FormFailed).unwrap();
        assert_eq!(json.trim_matches('"'), Mark::FormFailed.code());
    }
}
