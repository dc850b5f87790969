//! The zip container: opening it (after [`directory`](super::directory)'s walk of the central
//! directory), finding entries by part name, handing out a part's stored bytes and inflating
//! entries within the limits, counting what a form has inflated.
//!
//! It knows nothing of what the parts mean (that is [`opc`](super::opc)'s) nor of what the
//! file is when it is not a zip (that is [`sniff`](super::sniff)'s).

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

use flate2::Decompress;
use zip::{CompressionMethod, ZipArchive};

use super::directory;
use super::inflate::{Room, check_ratio, inflate, total_too_large};
use super::opc::normalize_part_name;
use crate::error::{ErrorKind, Result};
use crate::limits::Limits;

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
    pub fn to_owned_part(self) -> OwnedStoredPart {
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

/// The file's bytes, shared between the zip reader and the inflater.
#[derive(Clone)]
struct Bytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// An opened zip, with what reading its entries has cost.
pub(super) struct Archive {
    bytes: Bytes,
    zip: ZipArchive<Cursor<Bytes>>,
    /// Lower-cased part name → zip index (part names are case-insensitive, OPC §9.1.1.1).
    index: HashMap<String, usize>,
    limits: Limits,
    /// What this form has cost so far, held to [`Limits::max_total_bytes`].
    inflated: Inflated,
    /// How many times each entry (by zip index) has been inflated.
    times_inflated: Vec<u32>,
}

impl Archive {
    /// Opens the zip in `bytes`, once the central directory has been walked and found sound.
    pub(super) fn open(bytes: Vec<u8>, limits: Limits) -> Result<Archive> {
        let directory =
            directory::survey(&bytes, limits.max_entries).map_err(|kind| match kind {
                ErrorKind::DamagedZip { .. } if !bytes.starts_with(b"PK") => ErrorKind::NotZip {
                    found: "unrecognised content".into(),
                },
                kind => kind,
            })?;
        let bytes = Bytes(Arc::new(bytes));
        let zip = open_zip(&bytes)?;
        if directory.map(|d| d.entries) != Some(zip.len()) {
            return Err(ErrorKind::DamagedZip {
                detail: "the zip reader and the central directory disagree on the entries".into(),
            }
            .into());
        }
        let index = index_part_names(&zip)?;
        let entries = zip.len();
        Ok(Archive {
            bytes,
            zip,
            index,
            limits,
            inflated: Inflated::default(),
            times_inflated: vec![0; entries],
        })
    }

    /// The length of the whole file.
    pub(super) fn byte_len(&self) -> u64 {
        self.bytes.0.len() as u64
    }

    pub(super) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The zip index of part `name` (case-insensitive).
    pub(super) fn entry(&self, name: &str) -> Option<usize> {
        self.index.get(&normalize_part_name(name)).copied()
    }

    pub(super) fn has_part(&self, name: &str) -> bool {
        self.index.contains_key(&normalize_part_name(name))
    }

    /// Part names, in zip order.
    pub(super) fn part_names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_owned).collect()
    }

    #[cfg(test)]
    pub(super) fn inflated(&self) -> Inflated {
        self.inflated
    }

    /// A part's bytes as the zip stores them, with what its entry declares.
    pub(super) fn stored_part(&mut self, name: &str) -> Option<StoredPart<'_>> {
        let i = self.entry(name)?;
        let entry = self.zip.by_index_raw(i).ok()?;
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
    pub(super) fn count_remembered(&mut self, bytes: u64) -> std::result::Result<(), ErrorKind> {
        let total = self.inflated.bytes.saturating_add(bytes);
        if total > self.limits.max_total_bytes {
            return Err(total_too_large(&self.limits));
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

    /// Inflates entry `i` into `buf` with `inflater`, never past [`room`](Archive::room);
    /// returns the checksum its entry declares.
    pub(super) fn inflate_entry(
        &mut self,
        i: usize,
        buf: &mut Vec<u8>,
        inflater: &mut Decompress,
    ) -> std::result::Result<u32, ErrorKind> {
        let limits = self.limits;
        let entry = self
            .zip
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
            CompressionMethod::Deflated => inflate(inflater, data, declared, buf, room),
            other => return Err(unsupported(other)),
        };
        // Counted whether or not the part could be read: a damaged part can inflate a long way
        // before its damage shows, and is then only a warning.
        self.count_inflation(i, buf.len() as u64);
        inflated?;
        check_ratio(buf.len() as u64, compressed.max(1), &limits)?;
        Ok(expected_crc)
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
fn open_zip(bytes: &Bytes) -> Result<ZipArchive<Cursor<Bytes>>> {
    match ZipArchive::new(Cursor::new(bytes.clone())) {
        Ok(zip) => Ok(zip),
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
fn index_part_names(zip: &ZipArchive<Cursor<Bytes>>) -> Result<HashMap<String, usize>> {
    let mut index = HashMap::with_capacity(zip.len());
    for (i, name) in zip.file_names().enumerate() {
        if index.insert(normalize_part_name(name), i).is_some() {
            return Err(ErrorKind::DamagedZip {
                detail: format!("two entries are named {name}"),
            }
            .into());
        }
    }
    Ok(index)
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

#[cfg(test)]
mod tests {
    use super::super::{Package, PartCache};
    use super::directory::hand;
    use super::*;

    /// A minimal Word package whose document part is `document`.
    fn package_with(document: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file("_rels/.rels", opts).unwrap();
        zip.write_all(RELS).unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(document).unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    const RELS: &[u8] = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

    /// A Word package written by hand: `_rels/.rels` and then `parts`.
    fn hand_package(parts: Vec<hand::Entry>, zip64: bool) -> Vec<u8> {
        let mut entries = vec![hand::stored("_rels/.rels", RELS)];
        entries.extend(parts);
        hand::zip(&entries, zip64)
    }

    #[test]
    fn a_zip_bomb_stops_at_the_ratio_limit() {
        // 8 MiB of one byte deflates about 1000:1.
        let bomb = package_with(&vec![b' '; 8 << 20], zip::CompressionMethod::Deflated);
        assert!(bomb.len() < 1 << 20);
        let mut cache = PartCache::default();
        let mut pkg =
            Package::from_bytes(bomb, Some("bomb.docx"), Limits::default(), &mut cache).unwrap();
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
        let mut cache = PartCache::default();
        for method in [
            zip::CompressionMethod::Deflated,
            zip::CompressionMethod::Stored,
        ] {
            let bytes = package_with(&vec![b'a'; 5000], method);
            let mut pkg = Package::from_bytes(bytes, None, limits, &mut cache).unwrap();
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
        let mut cache = PartCache::default();
        let e = Package::from_bytes(bytes, Some("dubbel.docx"), Limits::default(), &mut cache)
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
    fn a_zip64_package_opens_and_two_entries_with_one_name_in_it_are_refused() {
        let doc = || hand::stored("word/document.xml", b"<w:document/>");
        let one = hand_package(vec![doc()], true);
        let mut cache = PartCache::default();
        let mut pkg = Package::from_bytes(one, None, Limits::default(), &mut cache).unwrap();
        let mut buf = Vec::new();
        assert!(pkg.read_part("word/document.xml", &mut buf).unwrap());
        assert_eq!(buf, b"<w:document/>");
        let two = hand_package(vec![doc(), doc()], true);
        let e = Package::from_bytes(two, None, Limits::default(), &mut cache)
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
        let big = vec![b'a'; 600 << 10];
        let mut lying = hand::deflated("word/header1.xml", &big);
        lying.size = 10;
        let honest = hand::deflated("word/header2.xml", &big);
        let bytes = hand_package(
            vec![hand::deflated("word/document.xml", &big), lying, honest],
            false,
        );
        let limits = Limits {
            max_total_bytes: 1 << 20,
            ..Limits::default()
        };
        let mut cache = PartCache::default();
        let mut pkg = Package::from_bytes(bytes, None, limits, &mut cache).unwrap();
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
        let mut doc = hand::stored("word/document.xml", b"BZh91AY&SY");
        doc.method = 12;
        let bytes = hand_package(vec![doc], false);
        let mut cache = PartCache::default();
        let mut pkg =
            Package::from_bytes(bytes, Some("bz.docx"), Limits::default(), &mut cache).unwrap();
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
            vec![hand::deflated("word/document.xml", b"<w:document/>")],
            false,
        );
        let mut cache = PartCache::default();
        let mut pkg = Package::from_bytes(bytes, None, Limits::default(), &mut cache).unwrap();
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
        let mut cache = PartCache::default();
        let mut pkg = Package::from_bytes(bytes, None, Limits::default(), &mut cache).unwrap();
        let mut buf = Vec::new();
        assert!(pkg.read_part("/WORD/Document.XML", &mut buf).unwrap());
        assert_eq!(buf, b"<w:document/>");
        assert!(!pkg.read_part("word/missing.xml", &mut buf).unwrap());
    }
}
