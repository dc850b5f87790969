//! Reading a round as people write it, in a form, a folder name or a file name: the text
//! folded as names are compared ([`ascii_key`]), its words read by [`RoundId::from_words`];
//! and what says that a form's text is its period: a label (`Uppföljningsperiod:`) or a
//! control's tag or title (`period`).

use std::sync::LazyLock;

use regex::Regex;

use crate::mapping::text_match::ascii_key;
use crate::round_id::RoundId;

/// A line that gives the period: `Period: Tertial 1 2022`, `Uppföljningsperiod: T1 2022`,
/// `Rapportperiod – VB 2022`; the period follows the label.
static PERIOD_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:uppf[öo]ljnings|rapport|redovisnings)?-?period(?:en)?\s*[:\-–]\s*(?P<period>\S.*)$",
    )
    .expect("a valid pattern")
});

/// A control's tag or title that names the period: `period`, `Uppföljningsperiod`,
/// `rapport-period`, `Perioden`.
static PERIOD_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:uppf[öo]ljnings|rapport|redovisnings)?[\s_-]?period(?:en)?\s*$")
        .expect("a valid pattern")
});

/// Reads a round from text: `2022-T1`, `T1 2022`, `Tertialrapport 1 2022`, `tertial 2, 2022`,
/// `VB 2022`, `Verksamhetsberättelse 2022`, a folder name `2022 T2`.
pub fn parse(text: &str) -> Option<RoundId> {
    RoundId::from_words(&ascii_key(text))
}

/// The round a line labelled as the period gives (`Uppföljningsperiod: T1 2022`).
pub(crate) fn from_period_line(line: &str) -> Option<RoundId> {
    // Most lines of a form are no period's: those without the word early on are passed by
    // before the pattern is tried (every paragraph of every form is asked).
    let start = &line.as_bytes()[..line.len().min(40)];
    if !start.windows(6).any(|w| w.eq_ignore_ascii_case(b"period")) {
        return None;
    }
    PERIOD_LINE
        .captures(line.lines().next()?)
        .and_then(|c| parse(c.name("period")?.as_str()))
}

/// Whether a control's tag or title says that it holds the period (`period`,
/// `Uppföljningsperiod`).
pub(crate) fn names_period(name: &str) -> bool {
    PERIOD_NAME.is_match(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_as_people_write_them() {
        for (text, round) in [
            ("2022-T1", "2022-T1"),
            ("T1 2022", "2022-T1"),
            ("Tertialrapport 1 2022", "2022-T1"),
            ("tertial 2, 2022", "2022-T2"),
            ("VB 2022", "2022-VB"),
            ("Verksamhetsberättelse 2022", "2022-VB"),
            ("ostermalm-2022-T1", "2022-T1"),
            ("/inbox/2023 T2", "2023-T2"),
            ("Tertialrapport2 2022", "2022-T2"),
            ("årsrapport 1999", "1999-VB"),
        ] {
            assert_eq!(
                parse(text).map(|r| r.to_string()).as_deref(),
                Some(round),
                "{text}"
            );
        }
        assert_eq!(parse("Östermalm T1"), None);
        assert_eq!(parse("2022"), None);
        assert_eq!(parse("tertial 3 2022"), None);
    }

    #[test]
    fn a_line_labelled_as_the_period_gives_the_round() {
        for (line, round) in [
            ("Uppföljningsperiod: T1 2022", Some("2022-T1")),
            ("Period: Tertial 1 2022", Some("2022-T1")),
            ("  PERIOD :  VB 2022", Some("2022-VB")),
            ("Rapportperiod – tertialrapport 2, 2023", Some("2023-T2")),
            ("Uppfoljningsperiod: 2022 T2\nSida 1", Some("2022-T2")),
            ("Perioden: T1 2022", Some("2022-T1")),
            // A period that names no round, and lines that are no period's.
            ("Period: januari–april", None),
            ("Tertialrapport 1 2022", None),
            ("Under perioden: T1 2022 var lugn", None),
        ] {
            assert_eq!(
                from_period_line(line).map(|r| r.to_string()).as_deref(),
                round,
                "{line}"
            );
        }
    }

    #[test]
    fn tags_and_titles_that_name_the_period() {
        for name in [
            "period",
            "Period",
            "Uppföljningsperiod",
            "rapport-period",
            "Perioden",
        ] {
            assert!(names_period(name), "{name}");
        }
        for name in ["periodens-slut", "Rapport", "ar", "Tidsperiod för insatsen"] {
            assert!(!names_period(name), "{name}");
        }
    }

    #[test]
    fn a_round_in_its_written_form_reads_as_itself() {
        for s in ["2022-T1", "2022-T2", "2022-VB"] {
            assert_eq!(parse(s), s.parse().ok());
        }
    }
}
