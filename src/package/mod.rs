//! The package: an opened Word file, its parts looked up case-insensitively, inflated within
//! the limits and followed by their relationships (ECMA-376 Part 2, OPC).
//!
//! What the bytes are before they are opened as a zip is `sniff`'s; the zip container, its
//! central directory and inflating are `archive`'s (with `directory` and `inflate`); part
//! names, relationships and content types are `opc`'s; what is reused from form to form (the
//! inflater, the relationships and content types of the last few forms) is the [`PartCache`].
//! Only this module touches `zip` (and `cfb`, to tell a legacy `.doc` from an encrypted `.docx`).

use std::collections::HashMap;

mod archive;
mod cache;
mod directory;
mod inflate;
mod opc;
mod sniff;

use crate::error::{Error, Result};
use crate::model::Warning;
use crate::warning_code::WarningCode;
use archive::Archive;

pub use crate::limits::Limits;
pub use crate::model::PackageKind;
#[cfg(test)]
pub use archive::Inflated;

/// A zip of `parts` (name, text) with each part deflated: a package a unit test reads.
#[cfg(test)]
pub fn zip_of(parts: &[(&str, String)]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, text) in parts {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}
pub use archive::{OwnedStoredPart, StoredPart};
pub use cache::PartCache;
pub use opc::Relationship;
pub(crate) use opc::normalize_part_name;

/// An opened Word package. It borrows the [`PartCache`] of the reader that opened it, so that
/// what one form's parts were read as serves the next form made from the same template.
pub struct Package<'c> {
    file: Option<String>,
    archive: Archive,
    /// Relationships already read, by normalized source part name.
    rels: HashMap<String, Vec<Relationship>>,
    main_part: String,
    kind: PackageKind,
    strict: bool,
    sha256: String,
    warnings: Vec<Warning>,
    cache: &'c mut PartCache,
}

impl<'c> Package<'c> {
    /// Opens the package held in `bytes`; `file` names it in errors.
    pub fn from_bytes(
        bytes: Vec<u8>,
        file: Option<&str>,
        limits: Limits,
        cache: &'c mut PartCache,
    ) -> Result<Package<'c>> {
        Self::open_inner(bytes, file, limits, None, cache).map_err(|e| e.in_file(file))
    }

    /// [`from_bytes`](Package::from_bytes) for bytes whose SHA-256 (lower-case hex) the caller
    /// has already worked out, so that a batch hashes each form once.
    pub fn from_hashed_bytes(
        bytes: Vec<u8>,
        sha256: String,
        file: Option<&str>,
        limits: Limits,
        cache: &'c mut PartCache,
    ) -> Result<Package<'c>> {
        Self::open_inner(bytes, file, limits, Some(sha256), cache).map_err(|e| e.in_file(file))
    }

    /// Reads a file from disk (following a symbolic link: the user named it) and opens it.
    pub fn open(
        path: &std::path::Path,
        limits: Limits,
        cache: &'c mut PartCache,
    ) -> Result<Package<'c>> {
        let file = crate::form_file::read(path, &limits, crate::form_file::Links::Follow)?;
        let name = path.display().to_string();
        Package::from_hashed_bytes(file.bytes, file.sha256, Some(&name), limits, cache)
    }

    fn open_inner(
        bytes: Vec<u8>,
        file: Option<&str>,
        limits: Limits,
        sha256: Option<String>,
        cache: &'c mut PartCache,
    ) -> Result<Package<'c>> {
        sniff::refuse_what_is_not_a_zip(&bytes, &limits)?;
        let sha256 = sha256.unwrap_or_else(|| crate::hash::sha256_hex(&bytes));
        let mut pkg = Package {
            file: file.map(str::to_owned),
            archive: Archive::open(bytes, limits)?,
            rels: HashMap::new(),
            main_part: String::new(),
            kind: PackageKind::Document,
            strict: false,
            sha256,
            warnings: Vec::new(),
            cache,
        };
        pkg.find_main_part()?;
        Ok(pkg)
    }

    /// The main document part (`word/document.xml` in nearly every file).
    pub fn main_part(&self) -> &str {
        &self.main_part
    }

    pub fn kind(&self) -> PackageKind {
        self.kind
    }

    /// True when the package uses Strict OOXML relationship types.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn byte_len(&self) -> u64 {
        self.archive.byte_len()
    }

    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    pub fn limits(&self) -> &Limits {
        self.archive.limits()
    }

    /// Problems met while reading parts (CRC mismatches) that did not stop the reading.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    /// How many warnings reading the package has given so far.
    pub fn warning_count(&self) -> usize {
        self.warnings.len()
    }

    /// True when the package holds the part (case-insensitive).
    pub fn has_part(&self, name: &str) -> bool {
        self.archive.has_part(name)
    }

    /// Part names, in zip order.
    pub fn part_names(&self) -> Vec<String> {
        self.archive.part_names()
    }

    /// A part's bytes as the zip stores them (compressed or not), with what its entry declares:
    /// two parts that agree in all of it read the same, warnings included. `None` when the
    /// package has no such part or its entry cannot be located.
    pub fn stored_part(&mut self, name: &str) -> Option<StoredPart<'_>> {
        self.archive.stored_part(name)
    }

    /// What reading this form has inflated so far.
    #[cfg(test)]
    pub fn inflated(&self) -> Inflated {
        self.archive.inflated()
    }

    /// Counts `bytes` a part remembered from an earlier form would have inflated to, as if it
    /// had been inflated again: refused when that is past the form's total.
    pub(crate) fn count_remembered(&mut self, bytes: u64) -> Result<()> {
        self.archive.count_remembered(bytes).map_err(Error::new)
    }

    /// Inflates `name` into `buf` (cleared first), within the limits: the part's own and what
    /// is left of the form's total. Returns `Ok(false)` when the package has no such part.
    pub fn read_part(&mut self, name: &str, buf: &mut Vec<u8>) -> Result<bool> {
        buf.clear();
        let Some(i) = self.archive.entry(name) else {
            return Ok(false);
        };
        let expected_crc = self
            .archive
            .inflate_entry(i, buf, &mut self.cache.inflater)
            .map_err(|kind| Error::new(kind).in_part(name))?;
        if crc32fast::hash(buf) != expected_crc {
            self.warnings.push(Warning::new(
                WarningCode::ZipChecksum,
                format!("{name}: the zip checksum does not match the content; the file may be damaged, check the answers"),
            ));
        }
        Ok(true)
    }
}
