//! Exports of a comparison of two rounds (`blankett compare`): JSON (the contract,
//! `schemas/compare.schema.json`), Markdown and Word (the changed answers with the removed words
//! struck through and the added ones marked), XLSX (a row per respondent and question with the
//! status and both texts).
//!
//! Like the round's exports they know only the [`Comparison`], never Word forms, and the same
//! comparison always gives the same bytes.

mod docx;
mod markdown;
pub(in crate::export) mod words;
mod xlsx;

use std::path::{Path, PathBuf};

use crate::compare::Comparison;

use super::{ExportError, Format, export_path, write_all};

pub use self::docx::to_docx;
pub use self::markdown::to_markdown;
pub use self::words::changes_since;
pub use self::xlsx::to_xlsx;

/// The formats a comparison is written in: all but CSV (the spreadsheet has its rows).
pub const FORMATS: [Format; 4] = [Format::Json, Format::Xlsx, Format::Md, Format::Docx];

/// The bytes of one export of a comparison; CSV is [`ExportError::UnknownFormat`].
pub fn to_bytes(c: &Comparison, format: Format) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        Format::Json => crate::output::to_json(c),
        Format::Xlsx => to_xlsx(c)?,
        Format::Md => to_markdown(c).into_bytes(),
        Format::Docx => to_docx(c)?,
        Format::Csv => {
            return Err(ExportError::UnknownFormat {
                given: "csv (a comparison is written as json, xlsx, md or docx)".into(),
            });
        }
    })
}

/// Writes each format next to `base`, as [`write_exports`](super::write_exports) does for a
/// round: every export made before the first is written, each file whole or not at all.
pub fn write_comparison(
    c: &Comparison,
    formats: &[Format],
    base: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for f in formats {
        let path = export_path(base, *f);
        if !files.iter().any(|(p, _)| *p == path) {
            files.push((path, to_bytes(c, *f)?));
        }
    }
    write_all(files)
}
