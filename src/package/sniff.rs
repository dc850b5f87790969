//! What kind of file this is, when it is not a Word package: told from its first bytes (an
//! OLE2 compound file: a legacy `.doc`, an encrypted `.docx`, an `.xls`; RTF, PDF, HTML, flat
//! XML, plain text), from the parts of a zip that holds no Word document (a workbook, a
//! presentation, an OpenDocument file) or from the main part's content type.
//!
//! It only names what the file is; opening the zip is the [`archive`](super::archive)'s.

use std::io::Cursor;

use crate::error::ErrorKind;
use crate::limits::Limits;
use crate::model::PackageKind;

const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Refuses an empty file, one over the size limit and one that is recognisably something
/// other than a zip; anything else may be one.
pub(super) fn refuse_what_is_not_a_zip(bytes: &[u8], limits: &Limits) -> Result<(), ErrorKind> {
    let len = bytes.len() as u64;
    if len == 0 {
        return Err(ErrorKind::Empty);
    }
    if len > limits.max_file_bytes {
        return Err(ErrorKind::FileTooLarge {
            size: len,
            limit: limits.max_file_bytes,
        });
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Err(classify_compound_file(bytes));
    }
    match sniff_other(bytes) {
        Some(what) => Err(what),
        None => Ok(()),
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

/// What a zip without a Word document in it is, from the parts it holds (`has_part`).
pub(super) fn describe_other_package(has_part: impl Fn(&str) -> bool) -> String {
    if has_part("xl/workbook.xml") {
        "an Excel workbook (.xlsx)".into()
    } else if has_part("ppt/presentation.xml") {
        "a PowerPoint presentation (.pptx)".into()
    } else if has_part("content.xml") && has_part("mimetype") {
        "an OpenDocument file (.odt/.ods); save it in Word format (.docx)".into()
    } else if has_part("visio/document.xml") {
        "a Visio drawing".into()
    } else {
        "a zip archive without a Word document in it".into()
    }
}

/// What kind of package a main part content type says this is; `Err(Some(what))` for a known
/// non-Word package, `Err(None)` for an unknown type.
pub(super) fn content_type_kind(ct: &str) -> Result<PackageKind, Option<String>> {
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

#[cfg(test)]
mod tests {
    use super::super::{Package, PartCache};
    use super::*;

    fn refused(bytes: &[u8], file: Option<&str>) -> crate::Error {
        let limits = Limits::default();
        Package::from_bytes(bytes.to_vec(), file, limits, &mut PartCache::default())
            .err()
            .unwrap()
    }

    #[test]
    fn empty_bytes_are_an_empty_file_error() {
        let e = refused(b"", Some("x.docx"));
        assert_eq!(e.code(), "empty-file");
        assert_eq!(e.file.as_deref(), Some("x.docx"));
    }

    #[test]
    fn rtf_and_pdf_are_recognised() {
        let e = refused(b"{\\rtf1\\ansi hello}", None);
        assert!(e.to_string().contains("an RTF document"), "{e}");
        let e = refused(b"%PDF-1.7\n...", None);
        assert!(e.to_string().contains("a PDF document"), "{e}");
    }

    #[test]
    fn truncated_zip_is_damaged_not_unknown() {
        let e = refused(b"PK\x03\x04garbage", None);
        assert_eq!(e.code(), "damaged-zip");
    }
}
