//! Reporting rounds: `2022-T1` (tertial report 1, per 30 April), `2022-T2` (per 31 August),
//! `2022-VB` (the annual report).

/// Reads a round from text: `2022-T1`, `T1 2022`, `Tertialrapport 1 2022`, `tertial 2, 2022`,
/// `VB 2022`, `Verksamhetsberättelse 2022`, a folder name `2022 T2`.
pub fn parse(text: &str) -> Option<String> {
    let words = crate::mapping::text_match::ascii_key(text);
    let words: Vec<&str> = words.split(' ').collect();
    let year = words.iter().find(|w| {
        w.len() == 4
            && (w.starts_with("20") || w.starts_with("19"))
            && w.bytes().all(|b| b.is_ascii_digit())
    })?;
    let mut period = None;
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        let p = match *w {
            "t1" => Some("T1"),
            "t2" => Some("T2"),
            "vb" | "verksamhetsberattelse" | "verksamhetsberattelsen" | "arsrapport" => Some("VB"),
            "tertial" | "tertialrapport" | "tertialen" => match next {
                Some("1") => Some("T1"),
                Some("2") => Some("T2"),
                _ => None,
            },
            w if w.starts_with("tertialrapport") && w.len() == "tertialrapport".len() + 1 => {
                match &w[w.len() - 1..] {
                    "1" => Some("T1"),
                    "2" => Some("T2"),
                    _ => None,
                }
            }
            _ => None,
        };
        if p.is_some() {
            period = p;
            break;
        }
    }
    Some(format!("{year}-{}", period?))
}

/// The last day a round reports on: `2022-T1` → `2022-04-30`.
pub fn end_date(round: &str) -> Option<String> {
    let (year, period) = round.split_once('-')?;
    let day = match period {
        "T1" => "04-30",
        "T2" => "08-31",
        "VB" => "12-31",
        _ => return None,
    };
    Some(format!("{year}-{day}"))
}

/// True for a round in its canonical form.
pub fn is_round(s: &str) -> bool {
    parse(s).as_deref() == Some(s)
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
        ] {
            assert_eq!(parse(text).as_deref(), Some(round), "{text}");
        }
        assert_eq!(parse("Östermalm T1"), None);
        assert_eq!(parse("2022"), None);
    }

    #[test]
    fn end_dates() {
        assert_eq!(end_date("2022-T1").as_deref(), Some("2022-04-30"));
        assert_eq!(end_date("2022-VB").as_deref(), Some("2022-12-31"));
        assert!(is_round("2022-T2"));
        assert!(!is_round("T2 2022"));
    }
}
