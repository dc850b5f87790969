//! The Markdown of a comparison.

use crate::compare::Comparison;

/// The Markdown of a comparison.
pub fn to_markdown(c: &Comparison) -> String {
    let _ = c;
    todo!("the Markdown of a comparison")
}
