//! Reporting round ids: `2022-T1` (tertial report 1, per 30 April), `2022-T2` (per 31 August),
//! `2022-VB` (the annual report). What a round id says (its year, its term, the last day it
//! reports on, its name in the reports) is decoded here and nowhere else; so is the vocabulary
//! people write rounds in (`Tertialrapport 1`, `VB`, `Verksamhetsberättelse`).
//!
//! Folding free text into words (case, diacritics, punctuation) is not here: that is how
//! mapping compares all text ([`mapping::round::parse`](crate::mapping::round::parse) reads a
//! round from a form, a folder name or a file name).

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A year a round can report on, as a word of its own: `2022` (19xx or 20xx). The text is
/// folded to ASCII first, so the patterns need no Unicode tables (`(?-u)`).
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u)\b(?:19|20)[0-9]{2}\b").expect("a valid pattern"));

/// A term in the words people write rounds in, folded: `t1`; `tertial 2`, `tertialrapport 1`,
/// `tertialrapport2`, `tertialen 1` (a tertial ends in its number); `vb`,
/// `verksamhetsberattelse(n)`, `arsrapport`.
static TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u)\b(?:t[12]|(?:tertial|tertialrapport|tertialen) ?[12]|vb|verksamhetsberattelsen?|arsrapport)\b",
    )
    .expect("a valid pattern")
});

/// A reporting round: a year and a term. Written (and serialized) as `2022-T1`; ordered by
/// year, then term (T1, T2, VB), as the written ids sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoundId {
    /// Four digits.
    year: u16,
    term: Term,
}

/// The part of the year a round reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Term {
    /// Tertial report 1, per 30 April.
    T1,
    /// Tertial report 2, per 31 August.
    T2,
    /// The annual report (verksamhetsberättelse).
    VB,
}

impl Term {
    /// The term as a round id writes it: `T1`, `T2`, `VB`.
    pub fn code(self) -> &'static str {
        match self {
            Term::T1 => "T1",
            Term::T2 => "T2",
            Term::VB => "VB",
        }
    }

    fn from_code(code: &str) -> Option<Term> {
        [Term::T1, Term::T2, Term::VB]
            .into_iter()
            .find(|t| t.code() == code)
    }

    /// The last day the term reports on, as `MM-DD`.
    fn last_day(self) -> &'static str {
        match self {
            Term::T1 => "04-30",
            Term::T2 => "08-31",
            Term::VB => "12-31",
        }
    }
}

impl RoundId {
    /// The year the round reports on (`2022`).
    pub fn year(self) -> u16 {
        self.year
    }

    /// The part of the year the round reports on.
    pub fn term(self) -> Term {
        self.term
    }

    /// Reads a round from the words of a text, folded as mapping's ASCII key folds it (lower
    /// case, no diacritics, words separated by one space): the first year (`2022`: 19xx or
    /// 20xx) and the first words that name a term (`t1`, `tertialrapport 1`, `vb`,
    /// `verksamhetsberattelse` …), wherever they stand.
    pub fn from_words(folded: &str) -> Option<RoundId> {
        let year = YEAR.find(folded)?.as_str().parse().ok()?;
        let term = match TERM.find(folded)?.as_str().as_bytes().last() {
            Some(b'1') => Term::T1,
            Some(b'2') => Term::T2,
            _ => Term::VB,
        };
        Some(RoundId { year, term })
    }

    /// The last day the round reports on: `2022-T1` → `2022-04-30`.
    pub fn end_date(self) -> String {
        format!("{:04}-{}", self.year, self.term.last_day())
    }

    /// The round in words, as the reports write it: `2022-T1` → `Tertialrapport 1 2022 (per
    /// 30 april)`.
    pub fn in_words(self) -> String {
        let year = self.year;
        match self.term {
            Term::T1 => format!("Tertialrapport 1 {year:04} (per 30 april)"),
            Term::T2 => format!("Tertialrapport 2 {year:04} (per 31 augusti)"),
            Term::VB => format!("Verksamhetsberättelse {year:04}"),
        }
    }

    /// The written id, `2022-T1`: seven ASCII bytes, made without the formatting machinery (a
    /// submission writes its round once per form).
    #[inline]
    fn written(self) -> [u8; 7] {
        let digit = |n: u16| b'0' + (n % 10) as u8;
        let y = self.year;
        let [a, b] = *self.term.code().as_bytes() else {
            unreachable!("term codes are two letters")
        };
        [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            a,
            b,
        ]
    }
}

impl fmt::Display for RoundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(std::str::from_utf8(&self.written()).expect("ASCII"))
    }
}

/// A text that is no round id in its written form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a round; write it as 2022-T1, 2022-T2 or 2022-VB")]
pub struct NotARoundId(pub String);

impl FromStr for RoundId {
    type Err = NotARoundId;

    /// Reads a round id as it is written: four digits, `-`, `T1`, `T2` or `VB`. Anything else
    /// (`T1 2022`, `2022-t1`) is read by [`mapping::round::parse`](crate::mapping::round::parse).
    fn from_str(s: &str) -> Result<RoundId, NotARoundId> {
        let read = || {
            let (year, code) = s.split_once('-')?;
            if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(RoundId {
                year: year.parse().ok()?,
                term: Term::from_code(code)?,
            })
        };
        read().ok_or_else(|| NotARoundId(s.to_owned()))
    }
}

impl Serialize for RoundId {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // As a plain string, inlined into the submission's writer: through `collect_str` (a
        // formatter) writing a submission took a few thousand instructions more per form, as
        // serde_json's string escaping then no longer inlined into its other strings.
        serializer.serialize_str(std::str::from_utf8(&self.written()).expect("ASCII"))
    }
}

impl<'de> Deserialize<'de> for RoundId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RoundId, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> RoundId {
        s.parse().unwrap()
    }

    #[test]
    fn written_ids_read_back_as_written() {
        for s in ["2022-T1", "2022-T2", "2022-VB", "1999-VB"] {
            assert_eq!(id(s).to_string(), s);
        }
        for s in [
            "T2 2022", "2022-t1", "2022-T3", "22-T1", "2022T1", "2022-T1 ", "",
        ] {
            assert_eq!(
                s.parse::<RoundId>(),
                Err(NotARoundId(s.to_owned())),
                "{s:?}"
            );
        }
    }

    #[test]
    fn end_dates_and_words() {
        assert_eq!(id("2022-T1").end_date(), "2022-04-30");
        assert_eq!(id("2022-T2").end_date(), "2022-08-31");
        assert_eq!(id("2022-VB").end_date(), "2022-12-31");
        assert_eq!(
            id("2022-T1").in_words(),
            "Tertialrapport 1 2022 (per 30 april)"
        );
        assert_eq!(id("2022-VB").in_words(), "Verksamhetsberättelse 2022");
    }

    #[test]
    fn ids_sort_as_their_written_forms() {
        let mut written = ["2023-T1", "2022-VB", "2022-T2", "2022-T1", "1999-VB"];
        let mut ids: Vec<RoundId> = written.iter().map(|s| id(s)).collect();
        written.sort();
        ids.sort();
        let ids: Vec<String> = ids.iter().map(RoundId::to_string).collect();
        assert_eq!(ids, written);
    }

    #[test]
    fn serialized_as_the_written_id() {
        let json = serde_json::to_string(&Some(id("2022-T2"))).unwrap();
        assert_eq!(json, r#""2022-T2""#);
        let back: Option<RoundId> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Some(id("2022-T2")));
        assert!(serde_json::from_str::<RoundId>(r#""T2 2022""#).is_err());
        assert!(serde_json::from_str::<RoundId>(r#""2022-\u0054\u0031""#).is_ok());
    }
}
