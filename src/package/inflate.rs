//! Inflating one part's raw deflate data within its room: the part limit, or what is left of
//! the form's total when that is less, and the inflated:compressed ratio.
//!
//! Which entry holds the data and what the form has spent so far are the
//! [`archive`](super::archive)'s; the inflater itself is reused from the
//! [`PartCache`](super::PartCache).

use flate2::{Decompress, FlushDecompress, Status};

use crate::error::ErrorKind;
use crate::limits::Limits;

/// The most one part may inflate to: the part limit, or what is left of the form's total
/// when that is less.
#[derive(Debug, Clone, Copy)]
pub(super) struct Room {
    pub bytes: u64,
    /// True when what is left of the form's total is the tighter of the two.
    pub by_total: bool,
    pub limits: Limits,
}

impl Room {
    /// The error for a part that goes past the room (`declared` is what its entry says).
    pub(super) fn exceeded(&self, declared: u64) -> ErrorKind {
        match self.by_total {
            true => total_too_large(&self.limits),
            false => ErrorKind::PartTooLarge {
                declared,
                limit: self.bytes,
            },
        }
    }
}

pub(super) fn total_too_large(limits: &Limits) -> ErrorKind {
    ErrorKind::TooLarge {
        what: "bytes once inflated",
        limit: limits.max_total_bytes,
        flag: "--max-total-size",
    }
}

/// Inflates raw deflate data into `buf`, never past `room` whatever the zip header declared:
/// no more than one byte past it is ever inflated, nor room made for. The inflater is reset
/// and reused for every part.
pub(super) fn inflate(
    d: &mut Decompress,
    data: &[u8],
    declared: u64,
    buf: &mut Vec<u8>,
    room: Room,
) -> Result<(), ErrorKind> {
    let damaged = |detail: String| ErrorKind::DamagedZip { detail };
    let limit = room.bytes;
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
}

pub(super) fn check_ratio(size: u64, compressed: u64, limits: &Limits) -> Result<(), ErrorKind> {
    if size > limits.ratio_floor_bytes && size / compressed > limits.max_ratio {
        return Err(ErrorKind::RatioTooHigh {
            ratio: size / compressed,
            limit: limits.max_ratio,
        });
    }
    Ok(())
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
        let mut d = Decompress::new(false);
        // The same damage is told in the same words whatever room the output buffer has.
        let mut buf = Vec::new();
        let first = inflate(&mut d, damaged, 100, &mut buf, room).unwrap_err();
        let mut roomy = Vec::with_capacity(1 << 20);
        let again = inflate(&mut d, damaged, 100, &mut roomy, room).unwrap_err();
        assert_eq!(first.to_string(), again.to_string());
        inflate(&mut d, &sound, text.len() as u64, &mut buf, room).unwrap();
        assert_eq!(buf, text);
    }
}
