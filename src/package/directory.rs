//! The zip central directory, walked by hand before the zip crate reads it (APPNOTE.TXT 6.3.10:
//! §4.3.12 central directory headers, §4.3.14–4.3.16 the ZIP64 and plain end records).
//!
//! The zip crate believes the end record's 16-bit entry count, keeps one of two entries with
//! the same name without a word, and lets entries share their data (the overlapping-entry zip
//! bomb inflates one piece of data once per entry). Each of those lets a file be read otherwise
//! than it looks, or cost far more than its size; no crate checks them, so it is done here, in
//! one pass that allocates nothing per entry past the entry limit.

use std::collections::HashSet;

use crate::error::ErrorKind;

/// What the walk found: how many entries the central directory really holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Directory {
    pub entries: usize,
}

/// Where the end records say the central directory is.
#[derive(Debug, Clone, Copy)]
struct End {
    /// The entry count the end record gives (ZIP64's when there is one).
    count: u64,
    /// Whether that count is the plain record's 16-bit one, which wraps past 65,535.
    count_is_16_bit: bool,
    offset: u64,
    size: u64,
    /// Where the end records start: the directory ends there at the latest.
    records_at: usize,
}

/// One entry as the central directory describes it.
struct Entry<'a> {
    name: &'a [u8],
    compressed: u64,
    local_offset: u64,
}

const END: &[u8] = b"PK\x05\x06";
const ZIP64_LOCATOR: &[u8] = b"PK\x06\x07";
const ZIP64_END: &[u8] = b"PK\x06\x06";
const CENTRAL: &[u8] = b"PK\x01\x02";
const LOCAL: &[u8] = b"PK\x03\x04";
const U32_MAX: u64 = 0xFFFF_FFFF;

/// Walks the central directory: refuses more entries than `max_entries` (with the true count),
/// two entries with one name and entries whose data overlap. `Ok(None)` when there is no end
/// record: the zip crate then says what the file is not.
pub(super) fn survey(bytes: &[u8], max_entries: usize) -> Result<Option<Directory>, ErrorKind> {
    let Some(end) = find_end(bytes) else {
        return Ok(None);
    };
    let (start, shift) = locate_directory(bytes, &end)?;
    let entries = count_entries(bytes, start, &end)?;
    if entries > max_entries {
        return Err(ErrorKind::TooManyEntries {
            count: entries,
            limit: max_entries,
        });
    }
    check_count(&end, entries)?;
    let listed = read_entries(bytes, start, entries)?;
    refuse_duplicate_names(&listed)?;
    refuse_overlapping_data(bytes, &listed, shift)?;
    Ok(Some(Directory { entries }))
}

fn damaged(detail: impl Into<String>) -> ErrorKind {
    ErrorKind::DamagedZip {
        detail: detail.into(),
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as u64)
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64)
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The end of central directory record, and the ZIP64 one when a locator points at it. The
/// record sits in the last 64 KiB + 22 bytes (its comment is at most 65,535 bytes); of several
/// signatures there (a comment can hold one), the one whose comment ends the file wins.
fn find_end(bytes: &[u8]) -> Option<End> {
    let tail_start = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = &bytes[tail_start..];
    let candidates: Vec<usize> = memchr::memmem::rfind_iter(tail, END)
        .map(|i| tail_start + i)
        .filter(|&at| at + 22 <= bytes.len())
        .collect();
    let at = candidates
        .iter()
        .copied()
        .find(|&at| u16_at(bytes, at + 20).map(|c| at + 22 + c as usize) == Some(bytes.len()))
        .or_else(|| candidates.first().copied())?;
    let plain = End {
        count: u16_at(bytes, at + 10)?,
        count_is_16_bit: true,
        offset: u32_at(bytes, at + 16)?,
        size: u32_at(bytes, at + 12)?,
        records_at: at,
    };
    Some(zip64_end(bytes, at).unwrap_or(plain))
}

/// The ZIP64 end record the locator just before the plain one points at (§4.3.15): it holds
/// the 64-bit count, size and offset, which the plain record may only mark as 0xFFFF….
fn zip64_end(bytes: &[u8], plain_at: usize) -> Option<End> {
    let locator = plain_at.checked_sub(20)?;
    if bytes.get(locator..locator + 4)? != ZIP64_LOCATOR {
        return None;
    }
    let declared = usize::try_from(u64_at(bytes, locator + 8)?).ok()?;
    // A file with bytes before the zip (a self-extractor's stub) shifts every offset; the
    // record is then found where it is normally written, right before the locator.
    let at = [Some(declared), locator.checked_sub(56)]
        .into_iter()
        .flatten()
        .find(|&at| bytes.get(at..at + 4) == Some(ZIP64_END))?;
    Some(End {
        count: u64_at(bytes, at + 32)?,
        count_is_16_bit: false,
        size: u64_at(bytes, at + 40)?,
        offset: u64_at(bytes, at + 48)?,
        records_at: at,
    })
}

/// Where the central directory starts, and by how much every offset in it is shifted (bytes
/// before the zip): at the offset the end record gives, or right before the end records.
fn locate_directory(bytes: &[u8], end: &End) -> Result<(usize, u64), ErrorKind> {
    if end.size == 0 {
        return Ok((end.records_at, 0));
    }
    let declared = usize::try_from(end.offset).ok();
    let before_end = end
        .records_at
        .checked_sub(usize::try_from(end.size).unwrap_or(usize::MAX));
    for start in [declared, before_end].into_iter().flatten() {
        if start < end.records_at && bytes.get(start..start + 4) == Some(CENTRAL) {
            return Ok((start, (start as u64).saturating_sub(end.offset)));
        }
    }
    Err(damaged(
        "the central directory is not where the end record says",
    ))
}

/// The size of the central directory header at `at`, once checked that it lies in the file.
fn header_len(bytes: &[u8], at: usize) -> Option<usize> {
    let h = bytes.get(at..at + 46)?;
    if &h[..4] != CENTRAL {
        return None;
    }
    let lens = [28, 30, 32].map(|i| u16::from_le_bytes([h[i], h[i + 1]]) as usize);
    Some(46 + lens.iter().sum::<usize>())
}

/// Counts the headers from `start` up to the end records, without keeping any: the true count,
/// whatever the end record says.
fn count_entries(bytes: &[u8], start: usize, end: &End) -> Result<usize, ErrorKind> {
    let mut at = start;
    let mut count = 0;
    while at < end.records_at && bytes.get(at..at + 4) == Some(CENTRAL) {
        at += header_len(bytes, at).ok_or_else(|| damaged("the central directory is cut short"))?;
        count += 1;
    }
    if count == 0 && end.count > 0 {
        return Err(damaged(
            "the central directory is not where the end record says",
        ));
    }
    Ok(count)
}

/// The plain end record counts entries modulo 65,536; ZIP64's counts them all.
fn check_count(end: &End, entries: usize) -> Result<(), ErrorKind> {
    let counted = match end.count_is_16_bit {
        true => entries as u64 & 0xFFFF,
        false => entries as u64,
    };
    if counted != end.count {
        return Err(damaged(format!(
            "the end record counts {} entries, the central directory holds {entries}",
            end.count
        )));
    }
    Ok(())
}

fn read_entries(bytes: &[u8], start: usize, count: usize) -> Result<Vec<Entry<'_>>, ErrorKind> {
    let mut entries = Vec::with_capacity(count);
    let mut at = start;
    for _ in 0..count {
        let len =
            header_len(bytes, at).ok_or_else(|| damaged("the central directory is cut short"))?;
        entries.push(
            entry_at(bytes, at).ok_or_else(|| damaged("the central directory is cut short"))?,
        );
        at += len;
    }
    Ok(entries)
}

/// The header at `at` (checked by [`header_len`]): its name, compressed size and local header
/// offset, the last two from the ZIP64 extra field when the 32-bit ones say 0xFFFFFFFF (§4.5.3).
fn entry_at(bytes: &[u8], at: usize) -> Option<Entry<'_>> {
    let (n, m) = (
        u16_at(bytes, at + 28)? as usize,
        u16_at(bytes, at + 30)? as usize,
    );
    let name = bytes.get(at + 46..at + 46 + n)?;
    let extra = bytes.get(at + 46 + n..at + 46 + n + m)?;
    let size = u32_at(bytes, at + 24)?;
    let mut compressed = u32_at(bytes, at + 20)?;
    let mut local_offset = u32_at(bytes, at + 42)?;
    if let Some(zip64) = zip64_extra(extra) {
        let mut fields = zip64.chunks_exact(8).map(|c| u64_at(c, 0));
        if size == U32_MAX {
            fields.next();
        }
        if compressed == U32_MAX {
            compressed = fields.next().flatten()?;
        }
        if local_offset == U32_MAX {
            local_offset = fields.next().flatten()?;
        }
    }
    Some(Entry {
        name,
        compressed,
        local_offset,
    })
}

/// The data of the ZIP64 extended information extra field (id 0x0001), if the entry has one.
fn zip64_extra(mut extra: &[u8]) -> Option<&[u8]> {
    while extra.len() >= 4 {
        let (id, len) = (u16_at(extra, 0)?, u16_at(extra, 2)? as usize);
        let data = extra.get(4..4 + len)?;
        if id == 1 {
            return Some(data);
        }
        extra = &extra[4 + len..];
    }
    None
}

/// The zip crate keeps one of two entries with the same name and says nothing; which one a
/// reader takes is then up to the reader, so such a package is refused.
fn refuse_duplicate_names(entries: &[Entry<'_>]) -> Result<(), ErrorKind> {
    let mut seen = HashSet::with_capacity(entries.len());
    match entries.iter().find(|e| !seen.insert(e.name)) {
        Some(e) => Err(damaged(format!(
            "two entries are named {}",
            String::from_utf8_lossy(e.name)
        ))),
        None => Ok(()),
    }
}

/// Each entry's bytes (local header and data) must be its own: entries that share data make a
/// small file inflate to many times its size, and Word never writes them. An entry whose local
/// header cannot be found is left out here; reading it fails on its own.
fn refuse_overlapping_data(
    bytes: &[u8],
    entries: &[Entry<'_>],
    shift: u64,
) -> Result<(), ErrorKind> {
    let mut spans: Vec<(u64, u64, usize)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((span_of(bytes, e, shift)?, i)))
        .map(|((start, end), i)| (start, end, i))
        .collect();
    spans.sort_unstable();
    for pair in spans.windows(2) {
        let [(_, end, a), (start, _, b)] = [pair[0], pair[1]];
        if start < end {
            return Err(damaged(format!(
                "the entries {} and {} overlap, which only a zip bomb does",
                String::from_utf8_lossy(entries[a].name),
                String::from_utf8_lossy(entries[b].name)
            )));
        }
    }
    Ok(())
}

/// Where an entry's local header starts and its data ends in the file.
fn span_of(bytes: &[u8], e: &Entry<'_>, shift: u64) -> Option<(u64, u64)> {
    let start = e.local_offset.checked_add(shift)?;
    let at = usize::try_from(start).ok()?;
    if bytes.get(at..at + 4)? != LOCAL {
        return None;
    }
    let header = 30 + u16_at(bytes, at + 26)? + u16_at(bytes, at + 28)?;
    Some((start, start.checked_add(header)?.checked_add(e.compressed)?))
}

/// Zips written byte by byte, to make the ones no zip writer makes.
#[cfg(test)]
pub(crate) mod hand {
    /// One entry: its name, the bytes stored, the method number and the size it declares.
    pub(crate) struct Entry {
        pub name: String,
        pub data: Vec<u8>,
        pub method: u16,
        pub size: u32,
        pub crc: u32,
    }

    pub(crate) fn stored(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.into(),
            data: data.to_vec(),
            method: 0,
            size: data.len() as u32,
            crc: crc32fast::hash(data),
        }
    }

    pub(crate) fn deflated(name: &str, data: &[u8]) -> Entry {
        use std::io::Write;
        let mut enc =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        Entry {
            method: 8,
            data: enc.finish().unwrap(),
            ..stored(name, data)
        }
    }

    /// The zip, with a ZIP64 end record (and 0xFFFF… in the plain one) when `zip64`; the
    /// plain record's count is the true count modulo 65,536, as a writer without ZIP64 has it.
    pub(crate) fn zip(entries: &[Entry], zip64: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for e in entries {
            let offset = out.len() as u32;
            let header = |sig: &[u8], out: &mut Vec<u8>| {
                out.extend_from_slice(sig);
                if sig == b"PK\x01\x02" {
                    out.extend_from_slice(&20u16.to_le_bytes());
                }
                out.extend_from_slice(&20u16.to_le_bytes());
                out.extend_from_slice(&0u16.to_le_bytes());
                out.extend_from_slice(&e.method.to_le_bytes());
                out.extend_from_slice(&[0; 4]);
                out.extend_from_slice(&e.crc.to_le_bytes());
                out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
                out.extend_from_slice(&e.size.to_le_bytes());
                out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
                out.extend_from_slice(&0u16.to_le_bytes());
            };
            header(b"PK\x03\x04", &mut out);
            out.extend_from_slice(e.name.as_bytes());
            out.extend_from_slice(&e.data);
            header(b"PK\x01\x02", &mut central);
            // Comment length, disk, internal and external attributes.
            central.extend_from_slice(&[0; 10]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(e.name.as_bytes());
        }
        let (cd_at, cd_len, n) = (out.len() as u64, central.len() as u64, entries.len() as u64);
        out.append(&mut central);
        if zip64 {
            let record_at = out.len() as u64;
            out.extend_from_slice(b"PK\x06\x06");
            out.extend_from_slice(&44u64.to_le_bytes());
            out.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            for v in [n, n, cd_len, cd_at] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(b"PK\x06\x07");
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&record_at.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
        }
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        let count = if zip64 { 0xFFFF } else { n as u16 };
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        let (len, at) = match zip64 {
            true => (u32::MAX, u32::MAX),
            false => (cd_len as u32, cd_at as u32),
        };
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    /// Rewrites the central directory's local header offset of entry `i` (0-based).
    pub(crate) fn set_local_offset(zip: &mut [u8], i: usize, offset: u32) {
        let at = memchr::memmem::find_iter(zip, b"PK\x01\x02")
            .nth(i)
            .unwrap();
        zip[at + 42..at + 46].copy_from_slice(&offset.to_le_bytes());
    }

    /// Rewrites the compressed size of entry `i` in the central directory.
    pub(crate) fn set_compressed_size(zip: &mut [u8], i: usize, size: u32) {
        let at = memchr::memmem::find_iter(zip, b"PK\x01\x02")
            .nth(i)
            .unwrap();
        zip[at + 20..at + 24].copy_from_slice(&size.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::hand::{self, stored};
    use super::*;

    fn two(first: &str, second: &str) -> Vec<hand::Entry> {
        vec![
            stored(first, b"<a>first</a>"),
            stored(second, b"<a>second</a>"),
        ]
    }

    #[test]
    fn a_plain_and_a_zip64_directory_count_alike() {
        for zip64 in [false, true] {
            let zip = hand::zip(&two("a.xml", "b.xml"), zip64);
            assert_eq!(
                survey(&zip, 10),
                Ok(Some(Directory { entries: 2 })),
                "{zip64}"
            );
        }
    }

    #[test]
    fn two_entries_with_one_name_are_refused_whatever_the_end_record() {
        for zip64 in [false, true] {
            let zip = hand::zip(&two("word/document.xml", "word/document.xml"), zip64);
            let e = survey(&zip, 10).unwrap_err();
            assert_eq!(
                e,
                damaged("two entries are named word/document.xml"),
                "{zip64}"
            );
        }
    }

    #[test]
    fn entries_that_share_their_data_are_refused() {
        let mut zip = hand::zip(&two("a.xml", "b.xml"), false);
        hand::set_local_offset(&mut zip, 1, 0);
        let e = survey(&zip, 10).unwrap_err().to_string();
        assert!(e.contains("the entries a.xml and b.xml overlap"), "{e}");
    }

    #[test]
    fn an_entry_whose_data_runs_into_the_next_is_refused() {
        let mut zip = hand::zip(&two("a.xml", "b.xml"), false);
        hand::set_compressed_size(&mut zip, 0, 20);
        let e = survey(&zip, 10).unwrap_err().to_string();
        assert!(e.contains("overlap"), "{e}");
    }

    #[test]
    fn the_true_count_is_told_past_65535_entries() {
        let entries: Vec<hand::Entry> = (0..100_009)
            .map(|i| stored(&format!("f/{i}"), b""))
            .collect();
        for zip64 in [false, true] {
            let zip = hand::zip(&entries, zip64);
            let e = survey(&zip, 10_000).unwrap_err();
            assert_eq!(
                e,
                ErrorKind::TooManyEntries {
                    count: 100_009,
                    limit: 10_000
                },
                "{zip64}"
            );
        }
    }

    #[test]
    fn an_end_record_that_miscounts_is_refused() {
        let mut zip = hand::zip(&two("a.xml", "b.xml"), false);
        let end = zip.len() - 22;
        zip[end + 10] = 3;
        let e = survey(&zip, 10).unwrap_err().to_string();
        assert!(
            e.contains("the end record counts 3 entries, the central directory holds 2"),
            "{e}"
        );
    }

    #[test]
    fn no_end_record_is_left_to_the_zip_reader() {
        assert_eq!(survey(b"PK\x03\x04 and nothing more", 10), Ok(None));
    }
}
