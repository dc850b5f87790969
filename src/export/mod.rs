//! Exports of a consolidated round: JSON (the contract, `schemas/round.schema.json`), CSV (one
//! row per respondent and question, for other programs), XLSX (completeness and answers for the
//! analyst), Markdown (to read in a terminal or a repository) and a Word report (the draft of the
//! round's business report).
//!
//! ```no_run
//! # use blankett::{ExportError, Format, Questionnaire, Round, write_exports};
//! # let (round, q): (Round, Questionnaire) = todo!();
//! let formats = [Format::Json, Format::Xlsx, Format::Docx];
//! let written = write_exports(&round, &q, &formats, "out/2022-T1".as_ref(), &Default::default())?;
//! # Ok::<(), ExportError>(())
//! ```
//!
//! Exports know only the [`Round`] and the questionnaire (for its title and the questions' short
//! labels), never Word forms. The same round always gives the same bytes (the spreadsheet: the
//! same cells; see [`xlsx`]). Personal data goes only where the round carries it: a round
//! consolidated with `redact_contact` has no contact details, and no export shows any.
//!
//! What the exports share is in `grid` (the round as rows of respondents and columns of
//! questions) and `text` (text cleaned for XML and terminals, and the words every report uses).

pub mod changes;
pub mod csv;
pub mod docx;
mod grid;
pub mod markdown;
mod sheet;
#[cfg(test)]
pub(crate) mod testing;
mod text;
mod toc;
pub mod xlsx;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::compare::Comparison;
use crate::round::Round;
use crate::schema::Questionnaire;

pub use self::csv::to_csv;
pub use self::docx::to_docx;
pub use self::markdown::to_markdown;
pub use self::xlsx::to_xlsx;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    /// The CSV field delimiter: `b','` (the default, RFC 4180) or `b';'`, which Excel with a
    /// Swedish locale (decimal comma) expects. With `b';'` the CSV is for Excel
    /// ([`csv_for_excel`](Self::csv_for_excel)): it starts with a UTF-8 byte order mark, without
    /// which Excel reads the file as Windows-1252 and garbles å, ä and ö, and a field that
    /// starts like a formula gets a leading `'`.
    pub delimiter: u8,
    /// What changed since an earlier round (`consolidate --previous`): the Word report gets a
    /// section "Förändringar sedan …" and the spreadsheet's answers a change column. `None`
    /// leaves both out.
    pub changes: Option<Comparison>,
}

impl ExportOptions {
    /// True when the CSV is for Excel (the delimiter `;`): it then starts with a byte order
    /// mark and neutralises fields Excel would take for formulas (`for_excel` in the CSV writer); with any
    /// other delimiter it is for programs and every field is written as it is.
    pub fn csv_for_excel(&self) -> bool {
        self.delimiter == b';'
    }
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            delimiter: b',',
            changes: None,
        }
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A format name that is none of the formats.
    #[error("unknown export format {given:?}; the formats are: json, csv, xlsx, md, docx")]
    UnknownFormat {
        /// The name as given.
        given: String,
    },
    /// An export file could not be written; the files written before it stay, each whole.
    #[error("{}: cannot write it: {}", .path.display(), .source.to_string().to_lowercase())]
    Write {
        /// The file that could not be written.
        path: PathBuf,
        /// What the operating system said.
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
        Format::Xlsx => xlsx::workbook(round, q, opts.changes.as_ref())?,
        Format::Md => to_markdown(round, q).into_bytes(),
        Format::Docx => docx::report(round, q, opts.changes.as_ref())?,
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
    write_all(files)
}

/// Writes each file whole or not at all, in order; the paths written.
pub(crate) fn write_all(files: Vec<(PathBuf, Vec<u8>)>) -> Result<Vec<PathBuf>, ExportError> {
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
}
