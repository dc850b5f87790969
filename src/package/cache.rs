//! What reading one form leaves for the next: the inflater, reset and reused for every part,
//! and the relationships and content types of the last few forms, remembered by the bytes
//! the zip stores them as. Forms made from one template carry the same ones, and those are
//! then neither inflated nor parsed again.
//!
//! A [`PartCache`] is owned by the [`Reader`](crate::Reader) and lent to each
//! [`Package`](super::Package) it opens: a new reader starts empty, and a batch keeps one per
//! worker for the whole run. What a form reads never depends on what is remembered here.

use flate2::Decompress;

use super::archive::{OwnedStoredPart, StoredPart};
use super::opc::Relationship;
use crate::limits::Limits;

/// The inflater and the parts remembered from earlier forms.
#[derive(Debug)]
pub struct PartCache {
    pub(super) inflater: Decompress,
    /// By normalized source part name.
    pub(super) relationships: Memo<Vec<Relationship>>,
    /// By the part asked about.
    pub(super) content_types: Memo<Option<String>>,
}

impl Default for PartCache {
    fn default() -> Self {
        PartCache {
            inflater: Decompress::new(false),
            relationships: Memo::new(),
            content_types: Memo::new(),
        }
    }
}

/// What a small part that repeats from form to form (relationships, content types) was read
/// as, remembered by the bytes the zip stores it as. A few entries; an entry counts only for
/// the same key (the source part, or the part asked about), the same stored bytes and the
/// same limits.
#[derive(Debug)]
pub(super) struct Memo<T> {
    entries: Vec<MemoEntry<T>>,
}

#[derive(Debug)]
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
    fn new() -> Self {
        Memo {
            entries: Vec::new(),
        }
    }

    pub(super) fn get(
        &self,
        key: &str,
        stored: &StoredPart<'_>,
        limits: &Limits,
    ) -> Option<(T, u64)> {
        self.entries
            .iter()
            .find(|e| e.key == key && e.limits == *limits && e.stored.is(stored))
            .map(|e| e.value.clone())
    }

    pub(super) fn put(
        &mut self,
        key: &str,
        stored: &StoredPart<'_>,
        limits: Limits,
        value: (T, u64),
    ) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use zip::CompressionMethod;

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
}
