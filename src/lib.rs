//! blankett turns returned Word forms into normalized JSON.
//!
//! The reader finds every content control and legacy form field in a `.docx` (`.docm`,
//! `.dotx`, `.dotm`), with its properties, its visible text and whether it still shows its
//! placeholder, and keeps the document flow around the controls:
//!
//! ```no_run
//! let doc = blankett::read_path("Östermalm T1.docx".as_ref())?;
//! for c in &doc.controls {
//!     println!("{:?} {:?} {}: {}", c.tag, c.alias, c.status.name(), c.text);
//! }
//! # Ok::<(), blankett::Error>(())
//! ```
//!
//! The pipeline is in the module names: [`package`] (zip, sniffing, relationships),
//! [`xml`] (reader configuration and namespaces), [`ooxml`] (the streaming reader) and
//! [`model`] (what it produces).

pub mod batch;
mod cache;
pub mod config;
pub mod error;
pub mod export;
pub mod form_file;
mod hash;
pub mod inspect;
pub mod intake;
pub mod ledger;
pub mod limits;
pub mod lock;
pub mod mapping;
pub mod model;
pub mod ooxml;
pub mod output;
pub mod package;
pub mod round;
pub mod round_id;
pub mod schema;
pub mod submission;
pub mod template;
pub mod watch;
mod word_out;
pub mod xml;

use std::path::Path;

pub use error::{Error, ErrorKind, Result};
pub use limits::Limits;
pub use model::{Control, Document, Warning};

/// Reads Word forms, reusing from file to file its buffer, its inflater, and the
/// relationships, content types, styles and placeholder texts of the template the forms were
/// made from. A new reader starts with nothing remembered.
#[derive(Debug, Default)]
pub struct Reader {
    limits: Limits,
    cache: cache::Cache,
}

// A reader can be handed to another thread (one per worker in a batch).
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Reader>();
};

impl Reader {
    pub fn new(limits: Limits) -> Self {
        Reader {
            limits,
            cache: cache::Cache::default(),
        }
    }

    /// The paragraph keys this reader's earlier forms were mapped with, for mapping the next.
    pub(crate) fn text_keys(&mut self) -> &mut mapping::TextKeys {
        &mut self.cache.text_keys
    }

    /// Reads the Word file at `path`.
    pub fn read_path(&mut self, path: &Path) -> Result<Document> {
        let mut pkg = package::Package::open(path, self.limits, &mut self.cache.parts)?;
        ooxml::read_package(&mut pkg, &mut self.cache.template)
    }

    /// Reads a Word file held in memory; `name` names it in errors and in the result.
    pub fn read_bytes(&mut self, bytes: Vec<u8>, name: Option<&str>) -> Result<Document> {
        let mut pkg =
            package::Package::from_bytes(bytes, name, self.limits, &mut self.cache.parts)?;
        ooxml::read_package(&mut pkg, &mut self.cache.template)
    }

    /// [`read_bytes`](Reader::read_bytes) for bytes whose SHA-256 (lower-case hex) is known.
    pub fn read_hashed_bytes(
        &mut self,
        bytes: Vec<u8>,
        sha256: String,
        name: Option<&str>,
    ) -> Result<Document> {
        let mut pkg = package::Package::from_hashed_bytes(
            bytes,
            sha256,
            name,
            self.limits,
            &mut self.cache.parts,
        )?;
        ooxml::read_package(&mut pkg, &mut self.cache.template)
    }
}

/// Reads the Word file at `path` with the default limits.
pub fn read_path(path: &Path) -> Result<Document> {
    Reader::default().read_path(path)
}

/// Reads a Word file held in memory with the default limits.
pub fn read_bytes(bytes: Vec<u8>, name: Option<&str>) -> Result<Document> {
    Reader::default().read_bytes(bytes, name)
}
