//! The Word document of a comparison.

use crate::compare::Comparison;
use crate::export::ExportError;

/// The Word document of a comparison.
pub fn to_docx(c: &Comparison) -> Result<Vec<u8>, ExportError> {
    let _ = c;
    todo!("the Word document of a comparison")
}
