//! The spreadsheet of a comparison.

use crate::compare::Comparison;
use crate::export::ExportError;

/// The spreadsheet of a comparison.
pub fn to_xlsx(c: &Comparison) -> Result<Vec<u8>, ExportError> {
    let _ = c;
    todo!("the spreadsheet of a comparison")
}
