//! Reading a round as people write it, in a form, a folder name or a file name: the text
//! folded as names are compared ([`ascii_key`]), its words read by [`RoundId::from_words`].

use crate::mapping::text_match::ascii_key;
use crate::round_id::RoundId;

/// Reads a round from text: `2022-T1`, `T1 2022`, `Tertialrapport 1 2022`, `tertial 2, 2022`,
/// `VB 2022`, `Verksamhetsberättelse 2022`, a folder name `2022 T2`.
pub fn parse(text: &str) -> Option<RoundId> {
    RoundId::from_words(&ascii_key(text))
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
    fn a_round_in_its_written_form_reads_as_itself() {
        for s in ["2022-T1", "2022-T2", "2022-VB"] {
            assert_eq!(parse(s), s.parse().ok());
        }
    }
}
