//! What a [`Reader`](crate::Reader) keeps from one form to the next, in one value the reader
//! owns: forms made from one template store the same relationships, content types, styles and
//! placeholder texts, byte for byte, and repeat the same paragraphs; what was made of them for
//! one form is taken again for the next instead of being inflated, parsed or keyed again.
//!
//! Nothing here is shared between readers or threads: a new reader starts empty, and a batch
//! keeps one reader per worker thread for the whole run. What a form reads never depends on
//! what is remembered (a test reads every fixture with one reader in several orders and
//! compares each result with a fresh reader's).

use crate::mapping::TextKeys;
use crate::ooxml::TemplateCache;
use crate::package::PartCache;

/// Everything a reader remembers, by what it is made from.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    /// The inflater, and the relationships and content types of the last few forms.
    pub(crate) parts: PartCache,
    /// The buffer parts are inflated into, and the styles and glossary last read.
    pub(crate) template: TemplateCache,
    /// The comparison keys of paragraphs met in earlier forms, for mapping.
    pub(crate) text_keys: TextKeys,
}
