//! The package: what the bytes are (sniffing), the zip container, inflating parts within limits,
//! looking parts up case-insensitively and following relationships (ECMA-376 Part 2, OPC).
//!
//! Only this module touches `zip` (and `cfb`, to tell a legacy `.doc` from an encrypted `.docx`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

use flate2::{Decompress, FlushDecompress, Status};
use sha2::{Digest, Sha256};
use zip::{CompressionMethod, ZipArchive};

mod directory;

use crate::error::{Error, ErrorKind, Result};
use crate::model::Warning;
use crate::xml;

pub use crate::limits::Limits;
pub use crate::model::PackageKind;

/// One relationship of a part (`_rels/*.rels`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub id: String,
    /// The last segment of the relationship type URI (`header`, `officeDocument`, `customXml` …),
    /// the same in Transitional and Strict packages.
    pub kind: String,
    /// The resolved part name (`word/header1.xml`), or the URI as written for external targets.
    pub target: String,
    pub external: bool,
    /// True when the type URI is a Strict OOXML one (`http://purl.oclc.org/ooxml/…`).
    pub strict: bool,
}

/// A part as its zip entry stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredPart<'a> {
    pub method: CompressionMethod,
    /// The size the entry declares once inflated.
    pub size: u64,
    /// The checksum the entry declares.
    pub crc32: u32,
    pub bytes: &'a [u8],
}

impl StoredPart<'_> {
    /// The same part, owned, to compare later ones with.
    pub fn to_owned_part(&self) -> OwnedStoredPart {
        OwnedStoredPart {
            method: self.method,
            size: self.size,
            crc32: self.crc32,
            bytes: self.bytes.to_vec(),
        }
    }
}

/// [`StoredPart`], owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedStoredPart {
    method: CompressionMethod,
    size: u64,
    crc32: u32,
    bytes: Vec<u8>,
}

impl OwnedStoredPart {
    /// True when `part` is stored exactly as this one.
    pub fn is(&self, part: &StoredPart<'_>) -> bool {
        self.method == part.method
            && self.size == part.size
            && self.crc32 == part.crc32
            && self.bytes == part.bytes
    }
}

/// The file's bytes, shared between the zip reader and the inflater.
#[derive(Clone)]
struct Bytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// An opened Word package.
pub struct Package {
    file: Option<String>,
    bytes: Bytes,
    archive: ZipArchive<Cursor<Bytes>>,
    /// Relationships already read, by normalized source part name.
    rels: HashMap<String, Vec<Relationship>>,
    /// Lower-cased part name → zip index (part names are case-insensitive, OPC §9.1.1.1).
    index: HashMap<String, usize>,
    main_part: String,
    kind: PackageKind,
    strict: bool,
    limits: Limits,
    sha256: String,
    len: u64,
    warnings: Vec<Warning>,
    /// What this form has cost so far, held to [`Limits::max_total_bytes`].
    inflated: Inflated,
    /// How many times each entry (by zip index) has been inflated.
    times_inflated: Vec<u32>,
}

/// What reading one form has inflated so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Inflated {
    /// Inflations, one per part read (a part read twice counts twice).
    pub reads: usize,
    /// Distinct parts inflated.
    pub parts: usize,
    /// Bytes inflated, with those of parts remembered from an earlier form of the same
    /// template, so that a form costs the same whatever was read before it.
    pub bytes: u64,
}

const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Package {
    /// Opens the package held in `bytes`; `file` names it in errors.
    pub fn from_bytes(bytes: Vec<u8>, file: Option<&str>, limits: Limits) -> Result<Package> {
        Self::open_inner(bytes, file, limits, None).map_err(|e| e.in_file(file))
    }

    /// [`from_bytes`](Package::from_bytes) for bytes whose SHA-256 (lower-case hex) the caller
    /// has already worked out, so that a batch hashes each form once.
    pub fn from_hashed_bytes(
        bytes: Vec<u8>,
        sha256: String,
        file: Option<&str>,
        limits: Limits,
    ) -> Result<Package> {
        Self::open_inner(bytes, file, limits, Some(sha256)).map_err(|e| e.in_file(file))
    }

    fn open_inner(
        bytes: Vec<u8>,
        file: Option<&str>,
        limits: Limits,
        sha256: Option<String>,
    ) -> Result<Package> {
        let len = bytes.len() as u64;
        if len == 0 {
            return Err(ErrorKind::Empty.into());
        }
        if len > limits.max_file_bytes {
            return Err(ErrorKind::FileTooLarge {
                size: len,
                limit: limits.max_file_bytes,
            }
            .into());
        }
        if bytes.starts_with(CFB_MAGIC) {
            return Err(classify_compound_file(&bytes).into());
        }
        if let Some(what) = sniff_other(&bytes) {
            return Err(what.into());
        }
        let sha256 = sha256.unwrap_or_else(|| hex(&Sha256::digest(&bytes)));
        let directory =
            directory::survey(&bytes, limits.max_entries).map_err(|kind| match kind {
                ErrorKind::DamagedZip { .. } if !bytes.starts_with(b"PK") => ErrorKind::NotZip {
                    found: "unrecognised content".into(),
                },
                kind => kind,
            })?;
        let bytes = Bytes(Arc::new(bytes));
        let archive = open_archive(&bytes)?;
        if directory.map(|d| d.entries) != Some(archive.len()) {
            return Err(ErrorKind::DamagedZip {
                detail: "the zip reader and the central directory disagree on the entries".into(),
            }
            .into());
        }
        let index = index_part_names(&archive)?;
        let entries = archive.len();
        let mut pkg = Package {
            file: file.map(str::to_owned),
            bytes,
            archive,
            rels: HashMap::new(),
            index,
            main_part: String::new(),
            kind: PackageKind::Document,
            strict: false,
            limits,
            sha256,
            len,
            warnings: Vec::new(),
            inflated: Inflated::default(),
            times_inflated: vec![0; entries],
        };
        pkg.find_main_part()?;
        Ok(pkg)
    }

    /// Reads a file from disk (following a symbolic link: the user named it) and opens it.
    pub fn open(path: &std::path::Path, limits: Limits) -> Result<Package> {
        let file = crate::form_file::read(path, &limits, crate::form_file::Links::Follow)?;
        let name = path.display().to_string();
        Package::from_hashed_bytes(file.bytes, file.sha256, Some(&name), limits)
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
        self.len
    }

    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Problems met while reading parts (CRC mismatches) that did not stop the reading.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    /// True when the package holds the part (case-insensitive).
    pub fn has_part(&self, name: &str) -> bool {
        self.index.contains_key(&normalize_part_name(name))
    }

    /// Part names, in zip order.
    pub fn part_names(&self) -> Vec<String> {
        self.archive.file_names().map(str::to_owned).collect()
    }

    /// A part's bytes as the zip stores them (compressed or not), with what its entry declares:
    /// two parts that agree in all of it read the same, warnings included. `None` when the
    /// package has no such part or its entry cannot be located.
    pub fn stored_part(&mut self, name: &str) -> Option<StoredPart<'_>> {
        let &i = self.index.get(&normalize_part_name(name))?;
        let entry = self.archive.by_index_raw(i).ok()?;
        if entry.encrypted() {
            return None;
        }
        let (method, size, crc32) = (entry.compression(), entry.size(), entry.crc32());
        let (start, len) = (entry.data_start()?, entry.compressed_size());
        drop(entry);
        let start = usize::try_from(start).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        Some(StoredPart {
            method,
            size,
            crc32,
            bytes: self.bytes.0.get(start..end)?,
        })
    }

    /// How many warnings reading the package has given so far.
    pub fn warning_count(&self) -> usize {
        self.warnings.len()
    }

    /// What reading this form has inflated so far.
    pub fn inflated(&self) -> Inflated {
        self.inflated
    }

    /// Inflates `name` into `buf` (cleared first), within the limits: the part's own and what
    /// is left of the form's total. Returns `Ok(false)` when the package has no such part.
    pub fn read_part(&mut self, name: &str, buf: &mut Vec<u8>) -> Result<bool> {
        buf.clear();
        let Some(&i) = self.index.get(&normalize_part_name(name)) else {
            return Ok(false);
        };
        let expected_crc = self
            .inflate_entry(i, buf)
            .map_err(|kind| Error::new(kind).in_part(name))?;
        if crc32fast::hash(buf) != expected_crc {
            self.warnings.push(Warning::new(
                "zip-checksum",
                format!("{name}: the zip checksum does not match the content; the file may be damaged, check the answers"),
            ));
        }
        Ok(true)
    }

    fn count_inflation(&mut self, i: usize, bytes: u64) {
        let times = &mut self.times_inflated[i];
        if *times == 0 {
            self.inflated.parts += 1;
        }
        *times = times.saturating_add(1);
        self.inflated.reads += 1;
        self.inflated.bytes = self.inflated.bytes.saturating_add(bytes);
    }

    /// Counts `bytes` a part remembered from an earlier form would have inflated to, as if it
    /// had been inflated again: refused when that is past the form's total.
    pub(crate) fn count_remembered(&mut self, bytes: u64) -> Result<()> {
        let total = self.inflated.bytes.saturating_add(bytes);
        if total > self.limits.max_total_bytes {
            return Err(total_too_large(&self.limits).into());
        }
        self.inflated.bytes = total;
        Ok(())
    }

    /// The most the next part may inflate to.
    fn room(&self) -> Room {
        let left = self
            .limits
            .max_total_bytes
            .saturating_sub(self.inflated.bytes);
        Room {
            bytes: left.min(self.limits.max_part_bytes),
            by_total: left < self.limits.max_part_bytes,
            limits: self.limits,
        }
    }

    /// Inflates entry `i` into `buf`, never past [`room`](Package::room); returns the checksum
    /// its entry declares.
    fn inflate_entry(
        &mut self,
        i: usize,
        buf: &mut Vec<u8>,
    ) -> std::result::Result<u32, ErrorKind> {
        let limits = self.limits;
        let entry = self
            .archive
            .by_index_raw(i)
            .map_err(|e| ErrorKind::DamagedZip {
                detail: zip_detail(&e),
            })?;
        if entry.encrypted() {
            return Err(ErrorKind::Encrypted);
        }
        let declared = entry.size();
        let compressed = entry.compressed_size();
        let method = entry.compression();
        let expected_crc = entry.crc32();
        let start = entry.data_start();
        drop(entry);
        let room = self.room();
        if declared > room.bytes {
            return Err(room.exceeded(declared));
        }
        check_ratio(declared, compressed.max(1), &limits)?;
        let data = start
            .and_then(|s| {
                let s = usize::try_from(s).ok()?;
                let e = s.checked_add(usize::try_from(compressed).ok()?)?;
                self.bytes.0.get(s..e)
            })
            .ok_or_else(|| ErrorKind::DamagedZip {
                detail: "an entry's data lies outside the file".into(),
            })?;
        let inflated = match method {
            CompressionMethod::Stored if data.len() as u64 > room.bytes => {
                return Err(room.exceeded(declared));
            }
            CompressionMethod::Stored => {
                buf.extend_from_slice(data);
                Ok(())
            }
            CompressionMethod::Deflated => inflate(data, declared, buf, room),
            other => return Err(unsupported(other)),
        };
        // Counted whether or not the part could be read: a damaged part can inflate a long way
        // before its damage shows, and is then only a warning.
        self.count_inflation(i, buf.len() as u64);
        inflated?;
        check_ratio(buf.len() as u64, compressed.max(1), &limits)?;
        Ok(expected_crc)
    }

    /// The relationships of `source` (`""` for the package itself), in id order.
    pub fn relationships(&mut self, source: &str) -> Result<Vec<Relationship>> {
        let key = normalize_part_name(source);
        if let Some(rels) = self.rels.get(&key) {
            return Ok(rels.clone());
        }
        let rels_name = rels_part_for(source);
        let base = source.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
        let rels = self
            .read_remembered(&RELATIONSHIPS, &key, &rels_name, |buf| {
                let mut rels = xml::parse_relationships(buf).map_err(|e| e.in_part(&rels_name))?;
                for rel in &mut rels {
                    if !rel.external {
                        rel.target = resolve_target(base, &rel.target);
                    }
                }
                rels.sort_by_key(|r| natural_key(&r.id));
                Ok(rels)
            })?
            .unwrap_or_default();
        self.rels.insert(key, rels.clone());
        Ok(rels)
    }

    /// What `parse` makes of part `name` (`None` when the package has no such part),
    /// remembered in `memo` under `key` by the bytes the zip stores the part as. A read that
    /// warned (a checksum that does not match) is not remembered, so that the warning is
    /// given again the next time.
    fn read_remembered<T: Clone>(
        &mut self,
        memo: &'static std::thread::LocalKey<RefCell<Memo<T>>>,
        key: &str,
        name: &str,
        parse: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<Option<T>> {
        let limits = self.limits;
        if let Some(stored) = self.stored_part(name)
            && let Some((value, len)) = memo.with(|m| m.borrow().get(key, &stored, &limits))
        {
            self.count_remembered(len).map_err(|e| e.in_part(name))?;
            return Ok(Some(value));
        }
        let warnings_before = self.warnings.len();
        let mut buf = Vec::new();
        if !self.read_part(name, &mut buf)? {
            return Ok(None);
        }
        let value = parse(&buf)?;
        let len = buf.len() as u64;
        if self.warnings.len() == warnings_before
            && let Some(stored) = self.stored_part(name)
        {
            memo.with(|m| {
                m.borrow_mut()
                    .put(key, &stored, limits, (value.clone(), len))
            });
        }
        Ok(Some(value))
    }

    fn find_main_part(&mut self) -> Result<()> {
        let rels = self.relationships("")?;
        let main = rels
            .iter()
            .find(|r| r.kind == "officeDocument" && !r.external && r.target.ends_with(".xml"));
        let main = match main {
            Some(rel) => {
                self.strict = rel.strict;
                rel.target.clone()
            }
            None => {
                if self.has_part("word/document.xml") {
                    self.warnings.push(Warning::new(
                        "no-relationship",
                        "the package does not say which part is the document (_rels/.rels); read word/document.xml",
                    ));
                    "word/document.xml".to_owned()
                } else {
                    return Err(ErrorKind::NotWord {
                        what: self.describe_other_package(),
                    }
                    .into());
                }
            }
        };
        if !self.has_part(&main) {
            return Err(ErrorKind::MissingPart {
                name: main,
                referrer: "_rels/.rels".into(),
            }
            .into());
        }
        let content_type = self.content_type(&main)?.unwrap_or_default();
        self.kind = match content_type_kind(&content_type) {
            Ok(kind) => kind,
            Err(Some(what)) => return Err(ErrorKind::NotWord { what }.into()),
            // Unknown or missing content type: trust the part if it lives where Word puts it.
            Err(None) if main.to_ascii_lowercase().starts_with("word/") => PackageKind::Document,
            Err(None) => {
                return Err(ErrorKind::NotWord {
                    what: self.describe_other_package(),
                }
                .into());
            }
        };
        self.main_part = main;
        Ok(())
    }

    fn content_type(&mut self, part: &str) -> Result<Option<String>> {
        const NAME: &str = "[Content_Types].xml";
        let found = self.read_remembered(&CONTENT_TYPES, part, NAME, |buf| {
            xml::content_type_of(buf, part).map_err(|e| e.in_part(NAME))
        })?;
        Ok(found.flatten())
    }

    fn describe_other_package(&self) -> String {
        if self.has_part("xl/workbook.xml") {
            "an Excel workbook (.xlsx)".into()
        } else if self.has_part("ppt/presentation.xml") {
            "a PowerPoint presentation (.pptx)".into()
        } else if self.has_part("content.xml") && self.has_part("mimetype") {
            "an OpenDocument file (.odt/.ods); save it in Word format (.docx)".into()
        } else if self.has_part("visio/document.xml") {
            "a Visio drawing".into()
        } else {
            "a zip archive without a Word document in it".into()
        }
    }
}

/// The most one part may inflate to: the part limit, or what is left of the form's total
/// when that is less.
#[derive(Debug, Clone, Copy)]
struct Room {
    bytes: u64,
    /// True when what is left of the form's total is the tighter of the two.
    by_total: bool,
    limits: Limits,
}

impl Room {
    /// The error for a part that goes past the room (`declared` is what its entry says).
    fn exceeded(&self, declared: u64) -> ErrorKind {
        match self.by_total {
            true => total_too_large(&self.limits),
            false => ErrorKind::PartTooLarge {
                declared,
                limit: self.bytes,
            },
        }
    }
}

fn total_too_large(limits: &Limits) -> ErrorKind {
    ErrorKind::TooLarge {
        what: "bytes once inflated",
        limit: limits.max_total_bytes,
        flag: "--max-total-size",
    }
}

/// Word writes only stored and deflated entries (ECMA-376 Part 2 §C.2 allows no other); any
/// other method is named rather than called damage.
fn unsupported(method: CompressionMethod) -> ErrorKind {
    let name = match method.to_string().as_str() {
        "Bzip2" => "bzip2".to_owned(),
        "Lzma" => "LZMA".to_owned(),
        "Zstd" => "zstd".to_owned(),
        "Xz" => "xz".to_owned(),
        "Ppmd" => "PPMd".to_owned(),
        "Deflate64" => "Deflate64".to_owned(),
        "Unknown" => "an unknown method".to_owned(),
        old => old.to_owned(),
    };
    ErrorKind::UnsupportedCompression { method: name }
}

/// Opens the zip; a file that starts like one but cannot be read is a damaged one.
fn open_archive(bytes: &Bytes) -> Result<ZipArchive<Cursor<Bytes>>> {
    match ZipArchive::new(Cursor::new(bytes.clone())) {
        Ok(archive) => Ok(archive),
        Err(e) if bytes.0.starts_with(b"PK") => Err(ErrorKind::DamagedZip {
            detail: zip_detail(&e),
        }
        .into()),
        Err(_) => Err(ErrorKind::NotZip {
            found: "unrecognised content".into(),
        }
        .into()),
    }
}

/// Lower-cased part name → zip index; two names that differ only in case name one part
/// (OPC §9.1.1.1), so such a package is refused like one with two equal names.
fn index_part_names(archive: &ZipArchive<Cursor<Bytes>>) -> Result<HashMap<String, usize>> {
    let mut index = HashMap::with_capacity(archive.len());
    for (i, name) in archive.file_names().enumerate() {
        if index.insert(normalize_part_name(name), i).is_some() {
            return Err(ErrorKind::DamagedZip {
                detail: format!("two entries are named {name}"),
            }
            .into());
        }
    }
    Ok(index)
}

/// What a small part that repeats from form to form (relationships, content types) was read
/// as, remembered by the bytes the zip stores it as: forms made from one template carry the
/// same ones, and those are then neither inflated nor parsed again. A few entries per thread;
/// an entry counts only for the same key (the source part, or the part asked about), the same
/// stored bytes and the same limits.
struct Memo<T> {
    entries: Vec<MemoEntry<T>>,
}

struct MemoEntry<T> {
    key: String,
    stored: OwnedStoredPart,
    limits: Limits,
    /// The value and the length of the part it was made from.
    value: (T, u64),
}

/// How many results each memo keeps.
const MEMO_ENTRIES: usize = 8;

impl<T: Clone> Memo<T> {
    const fn new() -> Self {
        Memo {
            entries: Vec::new(),
        }
    }

    fn get(&self, key: &str, stored: &StoredPart<'_>, limits: &Limits) -> Option<(T, u64)> {
        self.entries
            .iter()
            .find(|e| e.key == key && e.limits == *limits && e.stored.is(stored))
            .map(|e| e.value.clone())
    }

    fn put(&mut self, key: &str, stored: &StoredPart<'_>, limits: Limits, value: (T, u64)) {
        if self.entries.len() == MEMO_ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push(MemoEntry {
            key: key.to_owned(),
            stored: stored.to_owned_part(),
            limits,
            value,
        });
    }
}

thread_local! {
    static RELATIONSHIPS: RefCell<Memo<Vec<Relationship>>> = const { RefCell::new(Memo::new()) };
    static CONTENT_TYPES: RefCell<Memo<Option<String>>> = const { RefCell::new(Memo::new()) };
}

/// Inflates raw deflate data into `buf`, never past `room` whatever the zip header declared:
/// no more than one byte past it is ever inflated, nor room made for. One inflater per thread
/// is reset and reused for every part.
fn inflate(
    data: &[u8],
    declared: u64,
    buf: &mut Vec<u8>,
    room: Room,
) -> std::result::Result<(), ErrorKind> {
    thread_local! {
        static INFLATER: RefCell<Decompress> = RefCell::new(Decompress::new(false));
    }
    let damaged = |detail: String| ErrorKind::DamagedZip { detail };
    let limit = room.bytes;
    INFLATER.with(|cell| {
        let mut d = cell.borrow_mut();
        d.reset(false);
        buf.reserve_exact(declared.min(limit) as usize + 64);
        loop {
            let start = buf.len();
            let up_to_limit = usize::try_from(limit + 1 - start as u64).unwrap_or(usize::MAX);
            if start == buf.capacity() {
                buf.reserve_exact(start.max(4096).min(up_to_limit));
            }
            let window = (buf.capacity() - start).min(up_to_limit);
            buf.resize(start + window, 0);
            let (before_in, before_out) = (d.total_in(), d.total_out());
            let rest = data.get(before_in as usize..).unwrap_or_default();
            let status = d.decompress(rest, &mut buf[start..], FlushDecompress::Finish);
            buf.truncate(start + (d.total_out() - before_out) as usize);
            // zlib's own words for damaged data depend on how much output room each call
            // had (a second read of the same part can say "repeated call with bad state"
            // where the first said "invalid distance too far back"): one wording for all.
            let status = status.map_err(|_| damaged("the compressed data is damaged".into()))?;
            if buf.len() as u64 > limit {
                return Err(room.exceeded(declared));
            }
            match status {
                Status::StreamEnd => return Ok(()),
                _ if d.total_in() == before_in && d.total_out() == before_out => {
                    return Err(damaged("the compressed data ends too soon".into()));
                }
                _ => {}
            }
        }
    })
}

fn check_ratio(size: u64, compressed: u64, limits: &Limits) -> std::result::Result<(), ErrorKind> {
    if size > limits.ratio_floor_bytes && size / compressed > limits.max_ratio {
        return Err(ErrorKind::RatioTooHigh {
            ratio: size / compressed,
            limit: limits.max_ratio,
        });
    }
    Ok(())
}

/// What kind of package a main part content type says this is; `Err(Some(what))` for a known
/// non-Word package, `Err(None)` for an unknown type.
fn content_type_kind(ct: &str) -> std::result::Result<PackageKind, Option<String>> {
    let ct = ct.trim().to_ascii_lowercase();
    match ct.as_str() {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" => {
            Ok(PackageKind::Document)
        }
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml" => {
            Ok(PackageKind::Template)
        }
        "application/vnd.ms-word.document.macroenabled.main+xml" => {
            Ok(PackageKind::MacroEnabledDocument)
        }
        "application/vnd.ms-word.template.macroenabledtemplate.main+xml" => {
            Ok(PackageKind::MacroEnabledTemplate)
        }
        _ if ct.contains("spreadsheetml") || ct.contains("ms-excel") => {
            Err(Some("an Excel workbook (.xlsx)".into()))
        }
        _ if ct.contains("presentationml") || ct.contains("ms-powerpoint") => {
            Err(Some("a PowerPoint presentation (.pptx)".into()))
        }
        _ => Err(None),
    }
}

/// Tells a legacy `.doc`, an encrypted Office file and other OLE2 compound files apart.
/// An encrypted `.docx` is an OLE2 file holding `EncryptionInfo` and `EncryptedPackage`
/// streams (MS-OFFCRYPTO §2.3.4); a Word 97-2003 file holds a `WordDocument` stream ([MS-DOC]).
fn classify_compound_file(bytes: &[u8]) -> ErrorKind {
    let names: Vec<String> = match cfb::CompoundFile::open(Cursor::new(bytes)) {
        Ok(cf) => cf
            .walk()
            .map(|e| e.name().to_owned())
            .take(10_000)
            .collect(),
        // A damaged directory: look for the stream names themselves (UTF-16LE).
        Err(_) => [
            "EncryptedPackage",
            "EncryptionInfo",
            "WordDocument",
            "Workbook",
        ]
        .iter()
        .filter(|n| contains_utf16(bytes, n))
        .map(|n| n.to_string())
        .collect(),
    };
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("EncryptedPackage") || has("EncryptionInfo") {
        ErrorKind::Encrypted
    } else if has("WordDocument") {
        ErrorKind::LegacyDoc
    } else if has("Workbook") || has("Book") {
        ErrorKind::NotWord {
            what: "an Excel 97-2003 workbook (.xls)".into(),
        }
    } else if has("PowerPoint Document") {
        ErrorKind::NotWord {
            what: "a PowerPoint 97-2003 presentation (.ppt)".into(),
        }
    } else {
        ErrorKind::NotWord {
            what: "an OLE2 compound file that holds no Word document".into(),
        }
    }
}

fn contains_utf16(hay: &[u8], needle: &str) -> bool {
    let pat: Vec<u8> = needle
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    hay.windows(pat.len()).any(|w| w == pat.as_slice())
}

/// Recognises common non-zip files by their first bytes.
fn sniff_other(bytes: &[u8]) -> Option<ErrorKind> {
    let head = &bytes[..bytes.len().min(512)];
    let trimmed = trim_bom_and_space(head);
    let found = if trimmed.starts_with(b"{\\rtf") {
        "an RTF document"
    } else if trimmed.starts_with(b"%PDF") {
        "a PDF document"
    } else if trimmed.starts_with(b"<?xml") || trimmed.starts_with(b"<") {
        let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
        if lower.contains("<html") || lower.contains("<!doctype html") {
            "an HTML file"
        } else if lower.contains("w:worddocument") || lower.contains("pkg:package") {
            "a Word XML document (flat .xml)"
        } else {
            "an XML file"
        }
    } else if bytes.starts_with(b"PK") {
        return None;
    } else if bytes
        .iter()
        .take(512)
        .all(|&b| b >= 0x20 || b"\t\r\n".contains(&b))
    {
        "a text file"
    } else {
        return None;
    };
    Some(ErrorKind::NotZip {
        found: found.into(),
    })
}

fn trim_bom_and_space(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

fn zip_detail(e: &zip::result::ZipError) -> String {
    let s = e.to_string();
    let s = s.trim_end_matches('.');
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "unreadable".into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The key a part is looked up by: no leading slash, forward slashes, lower case.
pub(crate) fn normalize_part_name(name: &str) -> String {
    name.trim_start_matches(['/', '\\'])
        .replace('\\', "/")
        .to_lowercase()
}

/// `word/document.xml` → `word/_rels/document.xml.rels`; `""` → `_rels/.rels`.
fn rels_part_for(source: &str) -> String {
    match source.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None if source.is_empty() => "_rels/.rels".to_owned(),
        None => format!("_rels/{source}.rels"),
    }
}

/// Resolves a relationship target against the folder of its source part (RFC 3986 §5.2,
/// as OPC uses it): `../customXml/item1.xml` from `word` is `customXml/item1.xml`.
pub(crate) fn resolve_target(base_dir: &str, target: &str) -> String {
    let target = percent_decode(target);
    let target = target.split(['#', '?']).next().unwrap_or("");
    let mut segments: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (
                (bytes[i + 1] as char).to_digit(16),
                (bytes[i + 2] as char).to_digit(16),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sorts `rId2` before `rId10`.
fn natural_key(id: &str) -> (String, u64) {
    let digits = id.trim_start_matches(|c: char| !c.is_ascii_digit());
    let prefix = &id[..id.len() - digits.len()];
    (prefix.to_owned(), digits.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_data_is_told_alike_whatever_the_room_and_the_inflater_recovers() {
        use flate2::{Compression, write::DeflateEncoder};
        use std::io::Write;
        let text = b"<w:document>hello hello hello hello</w:document>".repeat(50);
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&text).unwrap();
        let sound = enc.finish().unwrap();
        // A back reference before the start of the output: "invalid distance too far back".
        let damaged: &[u8] = &[
            2, 41, 183, 74, 201, 79, 46, 205, 77, 205, 43, 177, 203, 72, 205, 201, 201, 87, 192,
            32, 109, 244, 145, 212, 216, 140, 170, 31, 85, 63, 170, 126, 84, 253, 168, 250, 81,
            245, 163, 234, 71, 213, 143, 170, 199, 171, 30, 0,
        ];
        let room = Room {
            bytes: 1 << 20,
            by_total: false,
            limits: Limits::default(),
        };
        // The same damage is told in the same words whatever room the output buffer has.
        let mut buf = Vec::new();
        let first = inflate(damaged, 100, &mut buf, room).unwrap_err();
        let mut roomy = Vec::with_capacity(1 << 20);
        let again = inflate(damaged, 100, &mut roomy, room).unwrap_err();
        assert_eq!(first.to_string(), again.to_string());
        inflate(&sound, text.len() as u64, &mut buf, room).unwrap();
        assert_eq!(buf, text);
    }

    #[test]
    fn memo_entries_count_only_for_the_same_key_bytes_and_limits() {
        let mut m: Memo<u32> = Memo::new();
        let limits = Limits::default();
        let part = |method, crc32, bytes| StoredPart {
            method,
            size: 10,
            crc32,
            bytes,
        };
        let stored = part(CompressionMethod::Deflated, 7, &b"abc"[..]);
        m.put("word/document.xml", &stored, limits, (1, 10));
        assert_eq!(m.get("word/document.xml", &stored, &limits), Some((1, 10)));
        assert_eq!(m.get("", &stored, &limits), None);
        let other_bytes = part(CompressionMethod::Deflated, 7, &b"abd"[..]);
        assert_eq!(m.get("word/document.xml", &other_bytes, &limits), None);
        let other_crc = part(CompressionMethod::Deflated, 8, &b"abc"[..]);
        assert_eq!(m.get("word/document.xml", &other_crc, &limits), None);
        let stored_plain = part(CompressionMethod::Stored, 7, &b"abc"[..]);
        assert_eq!(m.get("word/document.xml", &stored_plain, &limits), None);
        let tighter = Limits {
            max_part_bytes: 5,
            ..limits
        };
        assert_eq!(m.get("word/document.xml", &stored, &tighter), None);
        for i in 0..MEMO_ENTRIES as u32 {
            m.put(&format!("part{i}"), &stored, limits, (i, 10));
        }
        assert_eq!(m.entries.len(), MEMO_ENTRIES);
        assert_eq!(m.get("word/document.xml", &stored, &limits), None);
        assert_eq!(m.get("part7", &stored, &limits), Some((7, 10)));
    }

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve_target("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve_target("word", "header1.xml"), "word/header1.xml");
        assert_eq!(
            resolve_target("word", "/word/document2.xml"),
            "word/document2.xml"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(
            resolve_target("word", "media/a%20b.png"),
            "word/media/a b.png"
        );
        assert_eq!(resolve_target("word", "../../../x.xml"), "x.xml");
    }

    #[test]
    fn rels_part_names() {
        assert_eq!(rels_part_for(""), "_rels/.rels");
        assert_eq!(
            rels_part_for("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
    }

    #[test]
    fn empty_bytes_are_an_empty_file_error() {
        let e = Package::from_bytes(Vec::new(), Some("x.docx"), Limits::default())
            .err()
            .unwrap();
        assert_eq!(e.code(), "empty-file");
        assert_eq!(e.file.as_deref(), Some("x.docx"));
    }

    #[test]
    fn rtf_and_pdf_are_recognised() {
        let e = Package::from_bytes(b"{\\rtf1\\ansi hello}".to_vec(), None, Limits::default())
            .err()
            .unwrap();
        assert!(e.to_string().contains("an RTF document"), "{e}");
        let e = Package::from_bytes(b"%PDF-1.7\n...".to_vec(), None, Limits::default())
            .err()
            .unwrap();
        assert!(e.to_string().contains("a PDF document"), "{e}");
    }

    #[test]
    fn truncated_zip_is_damaged_not_unknown() {
        let e = Package::from_bytes(b"PK\x03\x04garbage".to_vec(), None, Limits::default())
            .err()
            .unwrap();
        assert_eq!(e.code(), "damaged-zip");
    }

    /// A minimal Word package whose document part is `document`.
    fn package_with(document: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file("_rels/.rels", opts).unwrap();
        zip.write_all(br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(document).unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn a_zip_bomb_stops_at_the_ratio_limit() {
        // 8 MiB of one byte deflates about 1000:1.
        let bomb = package_with(&vec![b' '; 8 << 20], zip::CompressionMethod::Deflated);
        assert!(bomb.len() < 1 << 20);
        let mut pkg = Package::from_bytes(bomb, Some("bomb.docx"), Limits::default()).unwrap();
        let e = pkg
            .read_part("word/document.xml", &mut Vec::new())
            .err()
            .unwrap();
        assert_eq!(e.code(), "ratio-too-high", "{e}");
        assert_eq!(e.part.as_deref(), Some("word/document.xml"));
    }

    #[test]
    fn a_part_over_the_size_limit_is_not_inflated() {
        let limits = Limits {
            max_part_bytes: 1000,
            ..Limits::default()
        };
        for method in [
            zip::CompressionMethod::Deflated,
            zip::CompressionMethod::Stored,
        ] {
            let bytes = package_with(&vec![b'a'; 5000], method);
            let mut pkg = Package::from_bytes(bytes, None, limits).unwrap();
            let mut buf = Vec::new();
            let e = pkg.read_part("word/document.xml", &mut buf).err().unwrap();
            assert_eq!(e.code(), "part-too-large", "{method:?}: {e}");
            assert!(buf.len() <= 1001 + 64 + 4096, "{}", buf.len());
        }
    }

    #[test]
    fn two_entries_with_one_name_are_refused() {
        use std::io::Write;
        // Two entries, then the second renamed in place (local and central headers) to the
        // first one's name: a zip no zip writer would make, but a hand-made one can be.
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(b"<w:document>first</w:document>").unwrap();
        zip.start_file("word/documenX.xml", opts).unwrap();
        zip.write_all(b"<w:document>second</w:document>").unwrap();
        zip.finish().unwrap();
        let mut bytes = out.into_inner();
        let mut at = 0;
        while let Some(i) = memchr::memmem::find(&bytes[at..], b"word/documenX.xml") {
            bytes[at + i..at + i + 17].copy_from_slice(b"word/document.xml");
            at += i + 17;
        }
        let e = Package::from_bytes(bytes, Some("dubbel.docx"), Limits::default())
            .err()
            .unwrap();
        assert_eq!(e.code(), "damaged-zip");
        assert!(
            e.to_string()
                .contains("two entries are named word/document.xml"),
            "{e}"
        );
    }

    const RELS: &[u8] = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

    /// A Word package written by hand: `_rels/.rels` and then `parts`.
    fn hand_package(parts: Vec<directory::hand::Entry>, zip64: bool) -> Vec<u8> {
        let mut entries = vec![directory::hand::stored("_rels/.rels", RELS)];
        entries.extend(parts);
        directory::hand::zip(&entries, zip64)
    }

    #[test]
    fn a_zip64_package_opens_and_two_entries_with_one_name_in_it_are_refused() {
        use directory::hand::stored;
        let doc = || stored("word/document.xml", b"<w:document/>");
        let one = hand_package(vec![doc()], true);
        let mut pkg = Package::from_bytes(one, None, Limits::default()).unwrap();
        let mut buf = Vec::new();
        assert!(pkg.read_part("word/document.xml", &mut buf).unwrap());
        assert_eq!(buf, b"<w:document/>");
        let two = hand_package(vec![doc(), doc()], true);
        let e = Package::from_bytes(two, None, Limits::default())
            .err()
            .unwrap();
        assert_eq!(e.code(), "damaged-zip");
        assert!(
            e.to_string()
                .contains("two entries are named word/document.xml"),
            "{e}"
        );
    }

    #[test]
    fn the_form_total_stops_inflating_at_the_limit_whatever_the_entries_declare() {
        use directory::hand::deflated;
        let big = vec![b'a'; 600 << 10];
        let mut lying = deflated("word/header1.xml", &big);
        lying.size = 10;
        let honest = deflated("word/header2.xml", &big);
        let bytes = hand_package(
            vec![deflated("word/document.xml", &big), lying, honest],
            false,
        );
        let limits = Limits {
            max_total_bytes: 1 << 20,
            ..Limits::default()
        };
        let mut pkg = Package::from_bytes(bytes, None, limits).unwrap();
        let mut buf = Vec::new();
        assert!(pkg.read_part("word/document.xml", &mut buf).unwrap());
        let left = (1 << 20) - pkg.inflated().bytes as usize;
        let e = pkg.read_part("word/header1.xml", &mut buf).unwrap_err();
        assert_eq!(e.code(), "too-large", "{e}");
        assert_eq!(
            e.to_string(),
            "word/header1.xml: the form holds more than 1048576 bytes once inflated, over the limit; raise it with --max-total-size if the file is trusted"
        );
        assert!(buf.len() <= left + 1, "{} inflated, {left} left", buf.len());
        assert!(buf.capacity() <= (600 << 10) + 64, "{}", buf.capacity());
        // Its damage spent the rest of the total: the next part is refused before inflating.
        let e = pkg.read_part("word/header2.xml", &mut buf).unwrap_err();
        assert_eq!(e.code(), "too-large", "{e}");
        assert!(buf.is_empty());
        let inflated = pkg.inflated();
        // _rels/.rels, the document, the lying header; the honest one was never inflated.
        assert_eq!((inflated.reads, inflated.parts), (3, 3));
        assert_eq!(inflated.bytes, (1 << 20) + 1);
    }

    #[test]
    fn a_part_compressed_with_bzip2_is_named_not_called_damaged() {
        let mut doc = directory::hand::stored("word/document.xml", b"BZh91AY&SY");
        doc.method = 12;
        let bytes = hand_package(vec![doc], false);
        let mut pkg = Package::from_bytes(bytes, Some("bz.docx"), Limits::default()).unwrap();
        let e = pkg
            .read_part("word/document.xml", &mut Vec::new())
            .unwrap_err();
        assert_eq!(e.code(), "unsupported-compression");
        assert!(
            e.to_string().contains(
                "word/document.xml: part is compressed with bzip2, which Word never writes"
            ),
            "{e}"
        );
    }

    #[test]
    fn reading_a_part_twice_counts_twice() {
        let bytes = hand_package(
            vec![directory::hand::deflated(
                "word/document.xml",
                b"<w:document/>",
            )],
            false,
        );
        let mut pkg = Package::from_bytes(bytes, None, Limits::default()).unwrap();
        let opened = pkg.inflated();
        let mut buf = Vec::new();
        pkg.read_part("word/document.xml", &mut buf).unwrap();
        pkg.read_part("/WORD/document.XML", &mut buf).unwrap();
        let inflated = pkg.inflated();
        assert_eq!(inflated.reads - opened.reads, 2);
        assert_eq!(inflated.parts - opened.parts, 1);
        assert_eq!(inflated.bytes - opened.bytes, 26);
    }

    #[test]
    fn parts_are_found_whatever_their_case() {
        let bytes = package_with(b"<w:document/>", zip::CompressionMethod::Deflated);
        let mut pkg = Package::from_bytes(bytes, None, Limits::default()).unwrap();
        let mut buf = Vec::new();
        assert!(pkg.read_part("/WORD/Document.XML", &mut buf).unwrap());
        assert_eq!(buf, b"<w:document/>");
        assert!(!pkg.read_part("word/missing.xml", &mut buf).unwrap());
    }

    #[test]
    fn natural_order_of_ids() {
        let mut ids = vec!["rId10", "rId2", "rId1"];
        ids.sort_by_key(|a| natural_key(a));
        assert_eq!(ids, vec!["rId1", "rId2", "rId10"]);
    }
}
