//! The text rules: what a run of raw Word text becomes once it is an answer, and which
//! character a symbol (`w:sym`) stands for.
//!
//! Unicode NFC; within a line, runs of spaces (also non-breaking and the other Unicode space
//! separators) collapse to one space; lines are trimmed; empty lines are dropped; characters
//! XML 1.0 cannot hold are dropped (see [`is_xml_illegal`](crate::xml::is_xml_illegal)).

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::xml::any_byte;
pub use crate::xml::without_xml_illegal;

/// True for the characters that count as spaces within a line.
#[inline]
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\r' | '\u{B}' | '\u{C}'
    )
}

/// True when a line needs no change: no space-like character other than single ASCII
/// spaces between words, no tab or space at either end, nothing XML 1.0 cannot hold. Most
/// lines Word writes are like that.
#[inline]
fn already_normal(line: &[u8]) -> bool {
    let (Some(first), Some(last)) = (line.first(), line.last()) else {
        return true;
    };
    if matches!(first, b' ' | b'\t') || matches!(last, b' ' | b'\t') {
        return false;
    }
    // The controls below U+0020 but tab (`\r`, U+000B and U+000C are spaces, the others XML
    // cannot hold), the lead bytes of U+00A0, U+1680, U+2000–U+205F and U+3000, and `0xEF`,
    // the lead byte of U+FFFE and U+FFFF (looked at closer by the slow path). Tested 32 bytes at
    // a time, which the compiler turns into vector instructions: long answers spend most of
    // their reading time here otherwise.
    let special = |b: u8| {
        ((b < 0x20) & (b != b'\t')) | (b == 0xC2) | (b.wrapping_sub(0xE1) < 3) | (b == 0xEF)
    };
    !any_byte(line, special) && memchr::memmem::find(line, b"  ").is_none()
}

/// Normalizes raw paragraph text (which may hold `\n` from line breaks and `\t` from tabs).
pub fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.split('\n') {
        let start = out.len();
        if start > 0 {
            out.push('\n');
        }
        let body = out.len();
        if already_normal(line.as_bytes()) {
            out.push_str(line);
            if out.len() == body {
                out.truncate(start);
            }
            continue;
        }
        for word in line.split(is_space) {
            let word = without_xml_illegal(word);
            if word.is_empty() {
                continue;
            }
            if out.len() > body {
                out.push(' ');
            }
            out.push_str(&word);
        }
        // Trim tabs (and the spaces next to them) at both ends of the line.
        let trimmed = out[body..].trim_end_matches(['\t', ' ']).len();
        out.truncate(body + trimmed);
        let lead = out.len() - body - out[body..].trim_start_matches(['\t', ' ']).len();
        if lead > 0 {
            out.replace_range(body..body + lead, "");
        }
        if out.len() == body {
            out.truncate(start);
        }
    }
    nfc(out)
}

/// Unicode NFC. Text whose characters all lie below U+0300 (no combining marks can occur, and
/// every such character is its own composition) is returned as it is without a closer look.
pub fn nfc(s: String) -> String {
    if !any_byte(s.as_bytes(), |b| b >= 0xCC) || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

/// Text compared loosely: normalized, lower case, trailing full stop and ellipsis dropped.
/// Used to recognise placeholder texts.
pub fn loose(s: &str) -> String {
    let n = normalize(s);
    n.trim_end_matches(['.', '…', ' '])
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
}

/// Word's default placeholder texts, Swedish and English, old and new (Word 2007–365).
pub const DEFAULT_PLACEHOLDERS: &[&str] = &[
    "Klicka här för att ange text.",
    "Klicka eller tryck här för att ange text.",
    "Klicka här för att ange datum.",
    "Klicka eller tryck här för att ange datum.",
    "Klicka eller tryck för att ange ett datum.",
    "Välj ett objekt.",
    "Klicka här för att ange ett datum.",
    "Click here to enter text.",
    "Click or tap here to enter text.",
    "Click here to enter a date.",
    "Click or tap to enter a date.",
    "Click or tap here to enter a date.",
    "Choose an item.",
];

/// True when `text` is one of Word's default placeholder texts.
pub fn is_default_placeholder(text: &str) -> bool {
    static LOOSE: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| DEFAULT_PLACEHOLDERS.iter().map(|p| loose(p)).collect());
    // The longest default is under 50 bytes; an answer is seldom that short.
    if text.len() > 64 {
        return false;
    }
    let l = loose(text);
    !l.is_empty() && LOOSE.contains(&l)
}

/// True when two texts are the same placeholder text, compared loosely.
pub fn same_loosely(a: &str, b: &str) -> bool {
    // Loose comparison only drops a trailing full stop and spaces and folds case: texts whose
    // lengths differ by more than that are different.
    a.len().abs_diff(b.len()) <= 8 && loose(a) == loose(b)
}

/// The character a `w:sym` shows (§17.3.3.30). Word stores symbol-font characters in the
/// private use area (U+F020–U+F0FF, the font's own code plus F000); the common ones of the
/// Symbol and Wingdings fonts are given as the Unicode characters they draw, anything else
/// as stored.
pub(crate) fn symbol_char(font: Option<&str>, code: u32) -> Option<char> {
    let low = if (0xF020..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    let font = font.unwrap_or("").trim().to_ascii_lowercase();
    let mapped = match (font.as_str(), low) {
        // Symbol: the Greek letters and the mathematical signs (Adobe Symbol encoding).
        ("symbol", 0x41..=0x5A) => {
            let greek = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
            greek.chars().nth((low - 0x41) as usize)
        }
        ("symbol", 0x61..=0x7A) => {
            let greek = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
            greek.chars().nth((low - 0x61) as usize)
        }
        ("symbol", 0x20..=0x40) => char::from_u32(low).map(|c| match c {
            '"' => '∀',
            '$' => '∃',
            '\'' => '∋',
            '*' => '∗',
            '-' => '−',
            '@' => '≅',
            other => other,
        }),
        ("symbol", _) => match low {
            0xA3 => Some('≤'),
            0xA5 => Some('∞'),
            0xAB => Some('↔'),
            0xAC => Some('←'),
            0xAD => Some('↑'),
            0xAE => Some('→'),
            0xAF => Some('↓'),
            0xB0 => Some('°'),
            0xB1 => Some('±'),
            0xB3 => Some('≥'),
            0xB4 => Some('×'),
            0xB7 => Some('•'),
            0xB8 => Some('÷'),
            0xB9 => Some('≠'),
            0xBA => Some('≡'),
            0xBB => Some('≈'),
            0xBC => Some('…'),
            0xD6 => Some('√'),
            0xD7 => Some('⋅'),
            0xE0 => Some('◊'),
            _ => None,
        },
        // Wingdings: the marks forms use for ticks and crosses.
        ("wingdings", 0x9F) => Some('•'),
        ("wingdings", 0xA7) => Some('▪'),
        ("wingdings", 0xA8) => Some('◻'),
        ("wingdings", 0xD8) => Some('➢'),
        ("wingdings", 0xFB) => Some('✗'),
        ("wingdings", 0xFC) => Some('✓'),
        ("wingdings", 0xFD) => Some('☒'),
        ("wingdings", 0xFE) => Some('☑'),
        _ => None,
    };
    mapped.or_else(|| char::from_u32(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_collapse_and_lines_trim() {
        assert_eq!(normalize("  a \u{a0}\u{a0} b  "), "a b");
        assert_eq!(normalize("a\n\n  \n b"), "a\nb");
        assert_eq!(normalize("\ta\tb\t"), "a\tb");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \n \n"), "");
    }

    #[test]
    fn long_lines_are_normalized_wherever_the_odd_space_falls() {
        // The fast test looks at 32 bytes at a time and then at the rest: put a non-breaking
        // space, a double space and a decomposed letter in either.
        let word = "näringsliv ";
        for at in [0, 5, 31, 32, 33, 63, 64, 70, 200, 329] {
            let plain: String = word.repeat(30).trim_end().to_owned();
            assert_eq!(normalize(&plain), plain);
            let cut = plain.char_indices().nth(at).map_or(plain.len(), |(i, _)| i);
            for odd in ["\u{a0}", "  ", "\r", "O\u{308}"] {
                let mut s = plain.clone();
                s.insert_str(cut, odd);
                let want = if odd == "O\u{308}" {
                    format!("{}Ö{}", &plain[..cut], &plain[cut..])
                } else {
                    format!("{} {}", &plain[..cut], &plain[cut..])
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                assert_eq!(normalize(&s), want, "{odd:?} at {at}");
            }
        }
    }

    #[test]
    fn characters_xml_cannot_hold_are_dropped_and_the_rest_kept() {
        assert_eq!(
            normalize("Svar\u{FFFE}\u{1}\u{8} med\u{FFFF} text"),
            "Svar med text"
        );
        assert_eq!(normalize("a \u{1} b\n\u{FFFE}\nc\u{1F}"), "a b\nc");
        assert_eq!(normalize("\u{0}\u{B}\u{C}\r\u{E}"), "");
        // Tab, line break and the characters around U+FFFE are text.
        assert_eq!(
            normalize("a\tb\u{FFFD}\u{FFEF}\u{F0B7}"),
            "a\tb\u{FFFD}\u{FFEF}\u{F0B7}"
        );
        // Wherever it falls in a long line: before, in and after the 32-byte blocks.
        let plain = "näringsliv ".repeat(30).trim_end().to_owned();
        for at in [0, 31, 32, 33, 64, 200, plain.len()] {
            for odd in ["\u{FFFE}", "\u{1}", "\u{1B}"] {
                let mut s = plain.clone();
                s.insert_str(at, odd);
                assert_eq!(normalize(&s), plain, "{odd:?} at {at}");
            }
        }
    }

    #[test]
    fn composed_form_is_produced() {
        // "Ö" as O + combining diaeresis becomes one code point.
        assert_eq!(normalize("O\u{308}stermalm"), "Östermalm");
    }

    #[test]
    fn placeholders_are_recognised_in_both_languages() {
        assert!(is_default_placeholder("Klicka här för att ange text."));
        assert!(is_default_placeholder("  Click or tap here to enter text "));
        assert!(is_default_placeholder("Välj ett objekt."));
        assert!(!is_default_placeholder(
            "Klicka här för att ange text. Vi har gjort mycket."
        ));
        assert!(!is_default_placeholder(""));
    }

    #[test]
    fn symbol_fonts_give_the_characters_they_draw() {
        assert_eq!(symbol_char(Some("Symbol"), 0xF0B3), Some('≥'));
        assert_eq!(symbol_char(Some("Symbol"), 0xF061), Some('α'));
        assert_eq!(symbol_char(Some("Wingdings"), 0xF0FC), Some('✓'));
        assert_eq!(symbol_char(Some("Webdings"), 0xF061), Some('\u{F061}'));
        assert_eq!(symbol_char(None, 0x2714), Some('✔'));
    }
}
