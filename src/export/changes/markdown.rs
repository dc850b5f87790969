//! The Markdown of a comparison: what changed between two rounds, to read in a terminal or a
//! repository.
//!
//! ```text
//! # Förändringar 2022-T1 → 2022-T2                  the two rounds
//! Enkät naringsliv-uppfoljning, version 2022. …     the questionnaire, how many forms
//! ## Sammanfattning                                 answers per status, respondents in both,
//! | Nytt svar | 3 | …                               appeared, disappeared; unknown forms
//! ## Tillkomna och försvunna                        who appeared, disappeared, was renamed
//! - **Norra innerstadens stadsdelsnämnd**: Ny från 2022-07-01, tog över efter …
//! ## 1. Stimulera tillväxt och företagsamhet        per focus area
//! ### Beskriv samverkan med …                       per question
//! **Farsta stadsdelsnämnd** · Ändrat                each new, changed or removed answer:
//! Vi har träffat ~~12~~ **15** företag …            the words removed and added marked,
//! > Nytt: samverkan i Hagsätra.                     a new or removed answer quoted
//! *Oförändrade svar: 2.*                            the unchanged ones counted
//! ```
//!
//! Answers are the respondents' text, escaped as the round's Markdown escapes it
//! ([`escape_line`]): no answer turns into markup, and a `~~` or `**` in one cannot open or
//! close a mark. The marks wrap words, never the spaces around them, and close at a line break
//! and open again after it ([`words::marked_lines`]), so that every mark is on one line.

use std::fmt::Write as _;

use crate::compare::{AnswerChange, ChangeStatus, ChangedQuestion, Comparison, DiffOp};
use crate::export::markdown::{escape_line, heading, inline};
use crate::export::text::{area_heading, made_by_at};

use super::words::{self, MarkedLine};

/// What the marks in a changed answer mean.
const LEGEND: &str = "Borttagna ord är ~~överstrukna~~, tillagda **i fetstil**.";

/// The Markdown of a comparison.
pub fn to_markdown(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", heading(&words::title(c)));
    let _ = writeln!(out, "{}\n", inline(&words::intro(c)));
    summary(&mut out, c);
    respondents(&mut out, c);
    areas(&mut out, c);
    let _ = writeln!(out, "---\n\n*{}*", inline(&made_by_at(words::made_at(c))));
    out
}

/// How many answers of each status and respondents of each kind, and the forms not compared.
fn summary(out: &mut String, c: &Comparison) {
    out.push_str("## Sammanfattning\n\n| | Antal |\n| --- | ---: |\n");
    for (label, n) in words::summary_rows(c) {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    out.push('\n');
    if let Some(note) = words::counts_note(c) {
        let _ = writeln!(out, "{note}\n");
    }
    if let Some(unknown) = words::unknown_forms(c) {
        let _ = writeln!(out, "{}\n", inline(&unknown));
    }
}

/// The respondents who appeared, disappeared or were renamed, and what became of them.
fn respondents(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "## {}\n", words::RESPONDENTS_HEADING);
    let changes = words::presence_changes(c);
    if changes.is_empty() {
        let _ = writeln!(out, "{}\n", words::SAME_RESPONDENTS);
        return;
    }
    for (r, says) in changes {
        let _ = writeln!(out, "- **{}**: {}", inline(&r.label), inline(&says));
    }
    out.push('\n');
}

/// Per focus area and question, the answers that changed; questions outside the areas under
/// their own heading, as in the round's report.
fn areas(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "{LEGEND}\n");
    for area in &c.areas {
        let level = match area.number {
            Some(n) => {
                let _ = writeln!(out, "## {}\n", heading(&area_heading(n, &area.title)));
                "###"
            }
            None => "##",
        };
        for q in &area.questions {
            let _ = writeln!(out, "{level} {}\n", heading(&q.question));
            question(out, c, q);
        }
    }
}

/// A question's new, changed and removed answers under each respondent's name, and what it
/// says of the rest.
fn question(out: &mut String, c: &Comparison, q: &ChangedQuestion) {
    for a in words::listed(c, q) {
        let _ = writeln!(out, "**{}** · {}\n", inline(&a.label), a.status.label());
        let _ = writeln!(out, "{}\n", answer(a));
    }
    if let Some(rest) = words::rest_of(c, q) {
        let _ = writeln!(out, "*{}*\n", inline(&rest));
    }
}

/// A changed answer with its words marked; a new or removed one quoted.
fn answer(a: &AnswerChange) -> String {
    let quoted = match a.status {
        ChangeStatus::Changed => {
            return words::marked_lines(&a.diff)
                .iter()
                .map(marked)
                .collect::<Vec<_>>()
                .join("  \n");
        }
        ChangeStatus::Removed => a.before.as_deref(),
        _ => a.after.as_deref(),
    };
    // Each line a line of the quote, escaped as a line's start: `> # x` would be a heading.
    words::quoted(quoted.unwrap_or_default())
        .split('\n')
        .map(|line| format!("> {}", escape_line(line, true)))
        .collect::<Vec<_>>()
        .join("  \n")
}

/// A line of a changed answer: removed words as `~~…~~`, added as `**…**`.
fn marked(line: &MarkedLine) -> String {
    let mut out = String::new();
    for (op, text) in line {
        let _ = match op {
            DiffOp::Same => write!(out, "{}", escape_line(text, out.is_empty())),
            DiffOp::Removed => write!(out, "~~{}~~", escape_line(text, false)),
            DiffOp::Added => write!(out, "**{}**", escape_line(text, false)),
        };
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::testing::sample;
    use crate::compare::{DiffPart, word_diff};

    fn changed(before: &str, after: &str) -> String {
        answer(&AnswerChange {
            respondent_id: "x".into(),
            label: "X".into(),
            status: ChangeStatus::Changed,
            before: Some(before.into()),
            after: Some(after.into()),
            diff: word_diff(before, after),
            carried_over: false,
        })
    }

    #[test]
    fn the_document_has_the_rounds_the_summary_and_the_changed_words() {
        let md = to_markdown(&sample());
        assert!(md.starts_with("# Förändringar 2023-T1 → 2023-T2\n"), "{md}");
        assert!(md.contains("| Ändrat | 2 |"), "{md}");
        assert!(md.contains("| Bara i 2023-T2 (nya) | 2 |"), "{md}");
        assert!(md.contains("okänd avsändare jämförs inte: 1 i 2023-T2."));
        assert!(md.contains(
            "\n\nAntalen svar gäller de svarande som finns i båda omgångarna, och det är deras svar"
        ));
        assert!(md.contains(
            "**Farsta stadsdelsnämnd** · Ändrat\n\nVi har träffat ~~12~~ **15** företag under ~~våren.~~ **hösten.**\n"
        ), "{md}");
        assert!(
            md.contains("**Farsta stadsdelsnämnd** · Nytt svar\n\n> Nytt: samverkan i Hagsätra.\n")
        );
        assert!(
            md.contains("**Farsta stadsdelsnämnd** · Borttaget\n\n> Kontroller med polisen.\n")
        );
        assert!(
            md.contains("*Inga förändringar: 1 oförändrat svar (1 återlämnat som förifyllt).*")
        );
        assert!(md.contains("\n## 1. Stimulera tillväxt och företagsamhet\n"));
        assert!(md.ends_with(".*\n"), "{md}");
    }

    #[test]
    fn mergers_renamings_and_forms_not_sent_are_named() {
        let md = to_markdown(&sample());
        assert!(md.contains(
            "- **Norra innerstadens stadsdelsnämnd**: Ny från 2023-07-01, tog över efter Norrmalms stadsdelsnämnd och Östermalms stadsdelsnämnd.\n"
        ), "{md}");
        assert!(md.contains("- **Östermalms stadsdelsnämnd**: Upphörde efter 2023-06-30, uppgick i Norra innerstadens stadsdelsnämnd.\n"));
        assert!(md.contains(
            "- **Bromma stadsdelsnämnd**: Lämnade inget formulär i 2023-T1, fast det väntades.\n"
        ));
        assert!(md.contains("- **Nya stadsdelsnämnden**: Hette Gamla stadsdelsnämnden i 2023-T1;"));
    }

    #[test]
    fn answer_text_cannot_make_markup_nor_open_or_close_a_mark() {
        // Unchanged, Kungsholmen's `*fastighetsägare* [se bilaga]` is counted, not shown.
        let md = to_markdown(&sample());
        assert!(!md.contains("fastighetsägare"));
        assert_eq!(
            changed(
                "Dialog med *fastighetsägare*",
                "Dialog med ~~alla~~ [se bilaga]"
            ),
            "Dialog med ~~\\*fastighetsägare\\*~~ **\\~\\~alla\\~\\~ \\[se bilaga\\]**"
        );
        assert_eq!(
            changed("# Rubrik | a_b", "# Rubrik | a_c"),
            "\\# Rubrik \\| ~~a\\_b~~ **a\\_c**"
        );
        // A quoted line that would be a heading or a list is escaped.
        let new = AnswerChange {
            status: ChangeStatus::New,
            after: Some("# inte rubrik\n- inte punkt".into()),
            ..sample().areas[0].questions[0].answers[0].clone()
        };
        assert_eq!(answer(&new), "> \\# inte rubrik  \n> \\- inte punkt");
    }

    #[test]
    fn marks_close_at_each_line_break_and_leave_spaces_outside() {
        assert_eq!(
            changed(
                "Första stycket.\nAndra stycket.",
                "Första stycket.\nTredje stycket, nytt.\nFjärde."
            ),
            "Första stycket.  \n~~Andra stycket.~~ **Tredje stycket, nytt.**  \n**Fjärde.**"
        );
        let line = marked(&vec![
            (DiffOp::Removed, "a".into()),
            (DiffOp::Same, " ".into()),
            (DiffOp::Added, "b".into()),
        ]);
        assert_eq!(line, "~~a~~ **b**");
        let parts = [DiffPart {
            op: DiffOp::Added,
            text: "rad 1\nrad 2 ".into(),
        }];
        let lines: Vec<String> = words::marked_lines(&parts).iter().map(marked).collect();
        assert_eq!(lines, ["**rad 1**", "**rad 2**"]);
    }
}
