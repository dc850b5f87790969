//! Exports of a consolidated round: JSON (the contract, `schemas/round.schema.json`), CSV (one
//! row per respondent and question, for other programs), XLSX (completeness and answers for the
//! analyst), Markdown (to read in a terminal or a repository) and a Word report (the draft of the
//! round's business report).
//!
//! ```no_run
//! # use blankett::{export, round::Round, schema::Questionnaire};
//! # let (round, q): (Round, Questionnaire) = todo!();
//! let formats = [export::Format::Json, export::Format::Xlsx, export::Format::Docx];
//! let written = export::write_exports(&round, &q, &formats, "out/2022-T1".as_ref(), &Default::default())?;
//! # Ok::<(), export::ExportError>(())
//! ```
//!
//! Exports know only the [`Round`] and the questionnaire (for its title and the questions' short
//! labels), never Word forms. The same round always gives the same bytes (the spreadsheet: the
//! same cells; see [`xlsx`]). Personal data goes only where the round carries it: a round
//! consolidated with `redact_contact` has no contact details, and no export shows any.

pub mod csv;
pub mod docx;
pub mod markdown;
pub mod xlsx;

use std::borrow::Cow;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::round::{Cell, Round, RoundRespondent};
use crate::schema::Questionnaire;
use crate::submission::{Answer, Contact, Submission};

pub use self::csv::to_csv;
pub use self::docx::to_docx;
pub use self::markdown::to_markdown;
pub use self::xlsx::to_xlsx;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The round itself (`schemas/round.schema.json`).
    Json,
    /// One row per respondent and question.
    Csv,
    /// A workbook: completeness, answers, missing respondents, contacts.
    Xlsx,
    /// A Markdown report.
    Md,
    /// A Word report: the draft of the round's business report.
    Docx,
}

impl Format {
    /// Every format, in the order `write_exports` writes them.
    pub const ALL: [Format; 5] = [
        Format::Json,
        Format::Csv,
        Format::Xlsx,
        Format::Md,
        Format::Docx,
    ];

    /// The format's name on the command line, which is also its file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Md => "md",
            Format::Docx => "docx",
        }
    }

    /// The file extension (without the dot).
    pub fn extension(self) -> &'static str {
        self.name()
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ExportError;

    /// Reads `json`, `csv`, `xlsx`, `md` or `docx` (any case); anything else is
    /// [`ExportError::UnknownFormat`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ExportError::UnknownFormat {
                given: s.to_owned(),
            })
    }
}

/// How to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The CSV field delimiter: `b','` (the default, RFC 4180) or `b';'`, which Excel with a
    /// Swedish locale (decimal comma) expects. With `b';'` the CSV is for Excel
    /// ([`csv_for_excel`](Self::csv_for_excel)): it starts with a UTF-8 byte order mark, without
    /// which Excel reads the file as Windows-1252 and garbles å, ä and ö, and a field that
    /// starts like a formula gets a leading `'`.
    pub delimiter: u8,
}

impl ExportOptions {
    /// True when the CSV is for Excel (the delimiter `;`): it then starts with a byte order
    /// mark and neutralises fields Excel would take for formulas ([`csv::for_excel`]); with any
    /// other delimiter it is for programs and every field is written as it is.
    pub fn csv_for_excel(&self) -> bool {
        self.delimiter == b';'
    }
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { delimiter: b',' }
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A format name that is none of the formats.
    #[error("unknown export format {given:?}; the formats are: json, csv, xlsx, md, docx")]
    UnknownFormat { given: String },
    #[error("{}: cannot write it: {}", .path.display(), .source.to_string().to_lowercase())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// rust_xlsxwriter refused the workbook (a bug, not a data problem).
    #[error("cannot write the spreadsheet: {0}")]
    Xlsx(String),
    /// docx-rs or the repacking of its package failed (a bug, not a data problem).
    #[error("cannot write the Word report: {0}")]
    Docx(String),
}

/// The path of one export: `base` with the format's extension added (`out/2022-T1` →
/// `out/2022-T1.xlsx`). Added, not replaced: a base `out/runda.v2` gives `out/runda.v2.xlsx`.
pub fn export_path(base: &Path, format: Format) -> PathBuf {
    let mut name: OsString = base.as_os_str().to_owned();
    name.push(".");
    name.push(format.extension());
    PathBuf::from(name)
}

/// The bytes of one export.
pub fn to_bytes(
    round: &Round,
    q: &Questionnaire,
    format: Format,
    opts: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        Format::Json => crate::output::to_json(round),
        Format::Csv => to_csv(round, q, opts),
        Format::Xlsx => to_xlsx(round, q)?,
        Format::Md => to_markdown(round, q).into_bytes(),
        Format::Docx => to_docx(round, q)?,
    })
}

/// Writes each format next to `base` (base `out/2022-T1` → `out/2022-T1.json`, `.csv`, `.xlsx`,
/// `.md`, `.docx`) and returns the paths written, in the order of `formats` (a format given
/// twice is written once).
///
/// Every export is made in memory before the first file is written, so a format that cannot be
/// made writes nothing; each file is then written whole or not at all
/// ([`output::write_atomic`](crate::output::write_atomic)). A write that fails (a full disk)
/// leaves the files written before it in place, each of them whole.
pub fn write_exports(
    round: &Round,
    q: &Questionnaire,
    formats: &[Format],
    base: &Path,
    opts: &ExportOptions,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut wanted: Vec<Format> = Vec::new();
    for f in formats {
        if !wanted.contains(f) {
            wanted.push(*f);
        }
    }
    let mut files = Vec::with_capacity(wanted.len());
    for f in wanted {
        files.push((export_path(base, f), to_bytes(round, q, f, opts)?));
    }
    let mut written = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        crate::output::write_atomic(&path, &bytes).map_err(|source| ExportError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

// ---------------------------------------------------------------------------------------------
// What the exports share: clean text, the round laid out as a grid, and its words.

/// Text as the spreadsheet, the Word report and the Markdown write it: line ends as `\n`
/// (`\r\n` and a lone `\r` too, so that a writer that goes line by line sees every line),
/// tabs kept, and no other control character, U+FFFE or U+FFFF. Those are what XML 1.0 cannot
/// hold ([`is_xml_illegal`](crate::ooxml::text::is_xml_illegal); the reader drops them from forms
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

/// A question as the exports show it.
#[derive(Debug, Clone)]
pub(crate) struct QuestionInfo<'a> {
    pub id: &'a str,
    /// The question as the template asks it.
    pub text: &'a str,
    /// The short label (the control's title, `alias`); the text when the questionnaire does not
    /// know the question.
    pub label: &'a str,
    pub area: Option<u8>,
}

/// A respondent as the exports show it: the round's entry, its row of the completeness matrix
/// and its current form.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub respondent: &'a RoundRespondent,
    /// One status per question of [`Grid::questions`].
    pub cells: Vec<Cell>,
    pub submission: Option<&'a Submission>,
}

impl Row<'_> {
    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        self.submission.and_then(|s| s.answer(question_id))
    }
}

/// The round as rows (respondents, in the round's order) and columns (questions, in
/// questionnaire order: the completeness matrix's columns).
#[derive(Debug, Clone)]
pub(crate) struct Grid<'a> {
    pub questions: Vec<QuestionInfo<'a>>,
    pub rows: Vec<Row<'a>>,
}

impl<'a> Grid<'a> {
    pub fn new(round: &'a Round, q: &'a Questionnaire) -> Grid<'a> {
        let questions = round
            .completeness
            .questions
            .iter()
            .map(|id| {
                let in_round = round
                    .areas
                    .iter()
                    .flat_map(|a| a.questions.iter().map(move |x| (a.number, x)))
                    .find(|(_, x)| &x.question_id == id);
                let in_q = q.questions.iter().find(|x| &x.id == id);
                let text = in_round
                    .map(|(_, x)| x.question.as_str())
                    .or(in_q.map(|x| x.text.as_str()))
                    .unwrap_or(id);
                let label = in_q
                    .map(|x| x.alias.as_str())
                    .filter(|a| !a.trim().is_empty())
                    .unwrap_or(text);
                let area = match in_round {
                    Some((area, _)) => area,
                    None => in_q.and_then(|x| x.area),
                };
                QuestionInfo {
                    id,
                    text,
                    label,
                    area,
                }
            })
            .collect();
        let rows = round
            .respondents
            .iter()
            .enumerate()
            .map(|(i, r)| {
                // The form: the current submission the respondent's source names.
                let submission = r.source.as_ref().and_then(|src| {
                    round
                        .submissions
                        .iter()
                        .find(|s| s.source.sha256 == src.sha256)
                });
                // The matrix row: the one at the same place, as `consolidate` writes them,
                // else the one with the same respondent.
                let same = |row: &&crate::round::CompletenessRow| {
                    row.respondent_id == r.id && row.label == r.label
                };
                let row = round
                    .completeness
                    .rows
                    .get(i)
                    .filter(same)
                    .or_else(|| round.completeness.rows.iter().find(same));
                let cells = match row {
                    Some(row) => (0..round.completeness.questions.len())
                        .map(|j| row.cells.get(j).copied().unwrap_or(Cell::Missing))
                        .collect(),
                    None => round
                        .completeness
                        .questions
                        .iter()
                        .map(|id| cell_of(submission, id))
                        .collect(),
                };
                Row {
                    respondent: r,
                    cells,
                    submission,
                }
            })
            .collect();
        Grid { questions, rows }
    }
}

/// A question's status for a form, when the matrix does not say.
fn cell_of(submission: Option<&Submission>, question_id: &str) -> Cell {
    use crate::submission::AnswerStatus;
    match submission {
        None => Cell::NotSubmitted,
        Some(s) => match s.answer(question_id).map(|a| a.status) {
            Some(AnswerStatus::Answered) => Cell::Answered,
            Some(AnswerStatus::Unanswered) => Cell::Unanswered,
            Some(AnswerStatus::Missing) | None => Cell::Missing,
        },
    }
}

/// Every status, in the order legends list them.
pub(crate) const STATUSES: [Cell; 4] = [
    Cell::Answered,
    Cell::Unanswered,
    Cell::Missing,
    Cell::NotSubmitted,
];

/// The status as the JSON writes it (`notSubmitted`).
pub(crate) fn status_code(c: Cell) -> &'static str {
    match c {
        Cell::Answered => "answered",
        Cell::Unanswered => "unanswered",
        Cell::Missing => "missing",
        Cell::NotSubmitted => "notSubmitted",
    }
}

/// The status in Swedish, as the reports show it.
pub(crate) fn status_sv(c: Cell) -> &'static str {
    match c {
        Cell::Answered => "Besvarad",
        Cell::Unanswered => "Obesvarad",
        Cell::Missing => "Saknas i formuläret",
        Cell::NotSubmitted => "Ej inkommen",
    }
}

/// The mark a completeness table shows for a status.
pub(crate) fn status_mark(c: Cell) -> &'static str {
    match c {
        Cell::Answered => "✓",
        Cell::Unanswered => "○",
        Cell::Missing => "–",
        Cell::NotSubmitted => "✗",
    }
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

/// The round in words: `2022-T1` → `Tertialrapport 1 2022 (per 30 april)`.
pub(crate) fn round_sv(round: &str) -> String {
    match round.split_once('-') {
        Some((year, "T1")) => format!("Tertialrapport 1 {year} (per 30 april)"),
        Some((year, "T2")) => format!("Tertialrapport 2 {year} (per 31 augusti)"),
        Some((year, "VB")) => format!("Verksamhetsberättelse {year}"),
        _ => round.to_owned(),
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
pub(crate) mod testing {
    //! A small round by hand, with what the exports must cope with: list items, a table, a
    //! note, a typed value, Markdown's special characters, a question missing from a form, an
    //! unknown respondent, a conflict and a respondent that has not answered.

    use crate::model::{Block, Link, NoteKind};
    use crate::round::*;
    use crate::schema::Questionnaire;
    use crate::submission::*;

    fn answer(id: &str, area: Option<u8>, status: AnswerStatus, blocks: Vec<Block>) -> Answer {
        Answer {
            question_id: id.into(),
            area,
            question: String::new(),
            status,
            text: crate::model::blocks_text(&blocks),
            blocks,
            value: None,
            matched_by: None,
            control: None,
        }
    }

    fn para(t: &str) -> Block {
        Block::Paragraph {
            text: t.into(),
            links: vec![],
        }
    }

    fn source(file: &str, sha: char) -> SourceRef {
        SourceRef {
            file: Some(file.into()),
            sha256: sha.to_string().repeat(64),
            bytes: 1000,
            producer: None,
            template: None,
            modified: None,
            file_modified: None,
        }
    }

    pub fn questionnaire() -> Questionnaire {
        Questionnaire::builtin()
    }

    /// The district questions: two respondents, one unknown form, one missing committee.
    pub fn round(redact: bool) -> Round {
        let q = questionnaire();
        let ids: Vec<String> = q
            .questions_of("stadsdelsnamnd")
            .map(|x| x.id.clone())
            .collect();
        let sub =
            |resp: Option<(&str, &str)>, file: &str, sha: char, answers: Vec<Answer>| Submission {
                format_version: "1.0".into(),
                questionnaire: QuestionnaireRef {
                    id: q.id.clone(),
                    version: q.version.clone(),
                    variant: "stadsdelsnamnd".into(),
                    variant_by: crate::submission::VariantBy::Detected,
                },
                round: Some("2022-T1".into()),
                respondent: resp.map(|(id, name)| RespondentRef {
                    id: id.into(),
                    committee: name.into(),
                    kind: "stadsdelsnamnd".into(),
                    resolved_by: ResolvedBy::Control,
                    as_written: None,
                }),
                contact: Some(Contact {
                    name: Some(format!("Kontakt {file}")),
                    phone: Some("+46 8 508 000 00".into()),
                    phone_as_written: Some("08-508 000 00".into()),
                    email: Some(format!("kontakt.{sha}@stockholm.se")),
                    email_as_written: None,
                    email_valid: Some(true),
                }),
                answers,
                unmapped: vec![],
                comments: vec![],
                warnings: vec![],
                source: source(file, sha),
            };
        let area_of = |id: &str| q.questions.iter().find(|x| x.id == id).unwrap().area;
        let full: Vec<Answer> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let blocks = match i {
                    0 => vec![
                        para("# Inte en rubrik | med *stjärnor* och _understreck_ <b>"),
                        Block::ListItem {
                            text: "Första punkten".into(),
                            level: 0,
                            links: vec![],
                        },
                        Block::ListItem {
                            text: "- underpunkt med [länk](x)".into(),
                            level: 1,
                            links: vec![Link {
                                text: "länk".into(),
                                target: "https://start.stockholm".into(),
                            }],
                        },
                        Block::Table {
                            rows: vec![
                                vec!["Aktivitet".into(), "Antal | st".into()],
                                vec!["Företagsbesök\nvår".into(), "12".into()],
                            ],
                        },
                        Block::Note {
                            note: NoteKind::Footnote,
                            text: "Enligt SBR.".into(),
                        },
                    ],
                    8 => vec![],
                    _ => vec![para(&format!("Svar {i} från Bromma.\nAndra raden."))],
                };
                let status = if blocks.is_empty() {
                    AnswerStatus::Unanswered
                } else {
                    AnswerStatus::Answered
                };
                answer(id, area_of(id), status, blocks)
            })
            .collect();
        let mut partial: Vec<Answer> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| match i {
                1 => answer(id, area_of(id), AnswerStatus::Missing, vec![]),
                _ => answer(
                    id,
                    area_of(id),
                    AnswerStatus::Answered,
                    vec![para(&format!("1. Farsta svarar på fråga {i}."))],
                ),
            })
            .collect();
        partial[2].value = Some(serde_json::json!(true));
        let unknown: Vec<Answer> = ids
            .iter()
            .map(|id| {
                answer(
                    id,
                    area_of(id),
                    AnswerStatus::Answered,
                    vec![para("Okänd avsändare svarar.")],
                )
            })
            .collect();
        let subs = vec![
            sub(
                Some(("bromma-sdn", "Bromma stadsdelsnämnd")),
                "Bromma.docx",
                'a',
                full,
            ),
            sub(
                Some(("farsta-sdn", "Farsta stadsdelsnämnd")),
                "Farsta.docx",
                'b',
                partial,
            ),
            sub(None, "okand.docx", 'c', unknown),
        ];
        let opts = Options {
            round: Some("2022-T1".into()),
            expected: Some(vec![
                "bromma-sdn".into(),
                "farsta-sdn".into(),
                "enskede-arsta-vantor-sdn".into(),
            ]),
            redact_contact: redact,
        };
        let mut r = consolidate(subs, &q, &crate::schema::Registry::builtin(), &opts);
        r.conflicts.push(Conflict {
            code: "round-mismatch".into(),
            message: "the form is for round 2021-VB, not 2022-T1; it is left out".into(),
            respondent_id: Some("farsta-sdn".into()),
            source: SourceSummary {
                file: Some("Farsta VB 2021.docx".into()),
                sha256: "d".repeat(64),
            },
        });
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_from_their_names_and_say_which_exist() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
            assert_eq!(f.to_string(), f.name());
        }
        assert_eq!("XLSX".parse::<Format>().unwrap(), Format::Xlsx);
        let e = "pdf".parse::<Format>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown export format \"pdf\"; the formats are: json, csv, xlsx, md, docx"
        );
    }

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
                kept.chars().all(|k| !crate::ooxml::text::is_xml_illegal(k)),
                "{c:?} kept"
            );
        }
    }

    #[test]
    fn clean_text_borrows_what_needs_no_change() {
        for s in ["", "Östermalm – 2022", "rad 1\nrad 2\tflik", "😀 \u{A0}"] {
            assert!(matches!(clean(s), Cow::Borrowed(b) if b == s), "{s:?}");
        }
    }

    #[test]
    fn the_extension_is_added_to_the_base_not_put_in_place_of_its_own() {
        assert_eq!(
            export_path(Path::new("out/2022-T1"), Format::Xlsx),
            Path::new("out/2022-T1.xlsx")
        );
        assert_eq!(
            export_path(Path::new("runda.v2"), Format::Md),
            Path::new("runda.v2.md")
        );
    }

    #[test]
    fn the_grid_follows_the_round_s_order_and_finds_each_form() {
        let round = testing::round(false);
        let q = testing::questionnaire();
        let g = Grid::new(&round, &q);
        assert_eq!(g.questions.len(), 9);
        assert_eq!(g.questions[0].label, "Samverkan lokalt näringsliv");
        assert_eq!(g.questions[0].area, Some(1));
        assert_eq!(g.questions[8].area, None);
        let labels: Vec<&str> = g.rows.iter().map(|r| r.respondent.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Bromma stadsdelsnämnd",
                "Enskede-Årsta-Vantörs stadsdelsnämnd",
                "Farsta stadsdelsnämnd",
                "okand.docx"
            ]
        );
        assert!(g.rows[1].submission.is_none());
        assert_eq!(g.rows[1].cells, vec![Cell::NotSubmitted; 9]);
        assert_eq!(g.rows[2].cells[1], Cell::Missing);
        assert_eq!(g.rows[0].cells[8], Cell::Unanswered);
        assert!(g.rows[3].answer("platssamverkan").is_some());
    }
}
