//! The CSV export: one row per respondent and question, for other programs and for Excel.
//!
//! Rows go respondent by respondent in the round's order (by name, Swedish order; forms whose
//! respondent is unknown last), and within a respondent question by question in questionnaire
//! order; a respondent with no form gets a row per question with status `notSubmitted`. The
//! header row names the columns in stable English snake_case:
//!
//! | column | what it holds |
//! |---|---|
//! | `round` | the round (`2022-T1`), empty when unknown |
//! | `respondent_id` | the registry id (`ostermalm-sdn`), empty when the form's respondent is unknown |
//! | `respondent` | the official name, or the form's file name when the respondent is unknown |
//! | `kind` | `stadsdelsnamnd`, `facknamnd`, `bolagsstyrelse`; empty when unknown |
//! | `area` | the focus area's number, empty for a question outside the areas |
//! | `question_id` | the question's stable id |
//! | `question` | the question's text |
//! | `status` | `answered`, `unanswered`, `missing` (not in the form) or `notSubmitted` (no form) |
//! | `answer` | the answer's visible text, line breaks kept (the field is then quoted) |
//! | `value` | a typed question's value: `true`/`false`, an ISO date, the choice's value |
//! | `contact_name`, `contact_phone`, `contact_email` | the respondent's contact, empty when the round carries none (`redact_contact`) |
//!
//! UTF-8, fields quoted where they need it (RFC 4180), CRLF line ends. Two variants, told apart
//! by the delimiter ([`ExportOptions::csv_for_excel`]):
//!
//! - `,` (the default), for programs: every field as it is.
//! - `;`, for Excel with a Swedish locale: the file starts with a UTF-8 byte order mark (without
//!   it Excel reads the file as Windows-1252 and garbles å, ä and ö), and a field Excel would
//!   take for a formula gets a leading `'` ([`for_excel`]): an answer `=HYPERLINK(…)` must stay
//!   text, not become a link that runs when clicked (CSV injection). Excel shows the `'` (phone
//!   numbers written `+46 …`, answers starting with `- `); the `.xlsx` export needs none.

use std::borrow::Cow;

use crate::round::Round;
use crate::schema::Questionnaire;

use super::ExportOptions;
use crate::vocabulary::Mark;

use super::grid::Grid;
use super::text::{contact_email, contact_name, contact_phone};

/// The header row.
pub const COLUMNS: [&str; 13] = [
    "round",
    "respondent_id",
    "respondent",
    "kind",
    "area",
    "question_id",
    "question",
    "status",
    "answer",
    "value",
    "contact_name",
    "contact_phone",
    "contact_email",
];

/// The UTF-8 byte order mark written first with the delimiter `;`.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// The CSV export of a round.
pub fn to_csv(round: &Round, q: &Questionnaire, opts: &ExportOptions) -> Vec<u8> {
    let grid = Grid::new(round, q);
    let mut table = Table::new(opts);
    table.row(COLUMNS);
    let round_id = round.round.map(|r| r.to_string()).unwrap_or_default();
    for row in &grid.rows {
        let r = row.respondent;
        let contact = r.contact.as_ref();
        let name = contact.and_then(contact_name).unwrap_or("");
        let phone = contact.and_then(contact_phone).unwrap_or("");
        let email = contact.and_then(contact_email).unwrap_or("");
        for (question, cell) in grid.questions.iter().zip(&row.cells) {
            let answer = row.answer(question.id);
            let area = question.area.map(|a| a.to_string()).unwrap_or_default();
            let value = answer.map(|a| value_csv(&a.value)).unwrap_or_default();
            table.row([
                round_id.as_str(),
                r.id.as_deref().unwrap_or(""),
                r.label.as_str(),
                r.kind.as_deref().unwrap_or(""),
                area.as_str(),
                question.id,
                question.text,
                Mark::from(*cell).code(),
                answer.map_or("", |a| a.text.as_str()),
                value.as_str(),
                name,
                phone,
                email,
            ]);
        }
    }
    table.into_bytes()
}

/// A CSV table in memory as blankett writes every CSV: CRLF line ends, the delimiter of the
/// options; for Excel (`;`) a byte order mark first and formula-like fields made text.
pub struct Table {
    w: csv::Writer<Vec<u8>>,
    excel: bool,
}

// Writing to memory fails only on rows of unequal length, which no caller writes.
const IN_MEMORY: &str = "a CSV in memory is written";

impl Table {
    /// An empty table, written as `opts` say.
    pub fn new(opts: &ExportOptions) -> Table {
        let excel = opts.csv_for_excel();
        let out = if excel { BOM.to_vec() } else { Vec::new() };
        let w = csv::WriterBuilder::new()
            .delimiter(opts.delimiter)
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        Table { w, excel }
    }

    /// Adds a row.
    pub fn row<const N: usize>(&mut self, record: [&str; N]) {
        if self.excel {
            self.w
                .write_record(record.map(for_excel).iter().map(|f| f.as_bytes()))
        } else {
            self.w.write_record(record)
        }
        .expect(IN_MEMORY);
    }

    /// The table's bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().expect(IN_MEMORY)
    }
}

/// A field as the CSV for Excel writes it: with a leading `'` when it starts with a character
/// that makes Excel read a formula (`=`, `+`, `-`, `@`) or that Excel skips before one (tab,
/// carriage return), as OWASP's advice on CSV injection has it. Excel shows the text after the
/// `'` as text and keeps the `'` in the cell.
pub fn for_excel(field: &str) -> Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

/// A typed value as the CSV writes it: strings as they are, booleans `true`/`false`, anything
/// else as JSON; nothing for null.
fn value_csv(v: &Option<serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing;

    fn records(bytes: &[u8], delimiter: u8) -> Vec<csv::StringRecord> {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(bytes)
            .records()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn every_respondent_gets_a_row_per_question_with_its_status() {
        let round = testing::round(false);
        let q = testing::questionnaire();
        let bytes = to_csv(&round, &q, &ExportOptions::default());
        assert!(!bytes.starts_with(BOM));
        let rows = records(&bytes, b',');
        assert_eq!(rows.len(), 4 * 9);
        // Bromma, first question: list items, the table and the note in the text.
        assert_eq!(&rows[0][2], "Bromma stadsdelsnämnd");
        assert_eq!(&rows[0][7], "answered");
        assert!(rows[0][8].contains("Första punkten\n- underpunkt"));
        assert!(rows[0][8].contains("Antal | st"));
        // Enskede-Årsta-Vantör sent nothing.
        assert!(
            rows[9..18]
                .iter()
                .all(|r| &r[7] == "notSubmitted" && r[8].is_empty())
        );
        // Farsta: the second question is not in its form; the third has a value.
        assert_eq!(&rows[19][7], "missing");
        assert_eq!(&rows[20][9], "true");
        // The unknown form: no id, its file name.
        assert_eq!((&rows[27][1], &rows[27][2]), ("", "okand.docx"));
        assert_eq!(&rows[0][10], "Kontakt Bromma.docx");
        assert_eq!(&rows[0][11], "+46 8 508 000 00");
    }

    #[test]
    fn the_semicolon_variant_starts_with_a_byte_order_mark() {
        let round = testing::round(false);
        let q = testing::questionnaire();
        let bytes = to_csv(
            &round,
            &q,
            &ExportOptions {
                delimiter: b';',
                ..Default::default()
            },
        );
        assert!(bytes.starts_with(BOM));
        let header = String::from_utf8(bytes[BOM.len()..].to_vec()).unwrap();
        assert!(header.starts_with("round;respondent_id;respondent;kind;area;"));
        assert_eq!(records(&bytes, b';').len(), 36);
    }

    #[test]
    fn a_field_excel_would_take_for_a_formula_gets_a_leading_quote() {
        for (field, written) in [
            (
                "=HYPERLINK(\"https://x.example\";\"Klicka\")",
                "'=HYPERLINK(\"https://x.example\";\"Klicka\")",
            ),
            ("+46 8 508 000 00", "'+46 8 508 000 00"),
            ("- en punkt", "'- en punkt"),
            ("-5", "'-5"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
        ] {
            assert_eq!(for_excel(field), written);
        }
    }

    #[test]
    fn a_field_excel_reads_as_text_is_left_as_it_is() {
        for field in [
            "",
            "Bromma stadsdelsnämnd",
            "08-508 000 00",
            " =1+1",
            "'=1",
            "a=b",
            "2022-T1",
        ] {
            assert!(
                matches!(for_excel(field), Cow::Borrowed(f) if f == field),
                "{field:?}"
            );
        }
    }

    #[test]
    fn only_the_csv_for_excel_neutralises_formulas() {
        let round = testing::round(false);
        let q = testing::questionnaire();
        let excel = records(
            &to_csv(
                &round,
                &q,
                &ExportOptions {
                    delimiter: b';',
                    ..Default::default()
                },
            ),
            b';',
        );
        let plain = records(&to_csv(&round, &q, &ExportOptions::default()), b',');
        // The phone number `+46 8 508 000 00`; Bromma's first answer, `- underpunkt` within.
        assert_eq!(&excel[0][11], "'+46 8 508 000 00");
        assert_eq!(&plain[0][11], "+46 8 508 000 00");
        assert!(plain[0][8].contains("\n- underpunkt"));
        assert_eq!(&excel[0][8], &plain[0][8], "only a field's start counts");
        for (e, p) in excel.iter().zip(&plain) {
            for (e, p) in e.iter().zip(p) {
                assert_eq!(e, for_excel(p), "the one rule, field by field");
            }
        }
    }

    #[test]
    fn a_redacted_round_leaves_the_contact_columns_empty() {
        let round = testing::round(true);
        let q = testing::questionnaire();
        let rows = records(&to_csv(&round, &q, &ExportOptions::default()), b',');
        assert!(
            rows.iter()
                .all(|r| r[10].is_empty() && r[11].is_empty() && r[12].is_empty())
        );
    }
}
