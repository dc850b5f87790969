//! The Markdown export: the round as a report to read in a terminal or a repository.
//!
//! ```text
//! # Uppföljningsrapport näringsliv – 2022-T1          the questionnaire's title, the round
//! Tertialrapport 1 2022 (per 30 april) …               the round in words, how many answered
//! ## Inkomna svar                                      completeness: respondents × questions
//! | Nämnd/bolag | Samverkan lokalt näringsliv | … |   (short labels), a mark per status,
//! ✓ Besvarad · ○ Obesvarad · …                         and the legend (`crate::vocabulary`)
//! ## 1. Stimulera tillväxt och företagsamhet           per focus area
//! ### Beskriv samverkan med …                          per question
//! **Östermalms stadsdelsnämnd**                        each form's answer under its name:
//! Stadsdelens kontakt …                                paragraphs, `- ` list items, tables
//! ## Övriga upplysningar                               a question outside the areas
//! ## Ej inkomna                                        expected respondents without a form
//! ## Formulär med okänd avsändare / ## Konflikter      when there are any
//! *Skapad 2022-05-02 kl. 08.30 UTC med blankett 0.1.0.*    when and by what, after a rule
//! ```
//!
//! Answers are the respondents' text, not Markdown: characters Markdown would read as markup
//! (`*`, `_`, `` ` ``, `[`, `]`, `<`, a `#` or `- ` or `1. ` starting a line, `|` in a table)
//! are escaped with a backslash, so that no answer can break the table or the headings or turn
//! into a heading, a list or a link. The respondents' own line breaks are kept (hard breaks).
//! Text is [cleaned](super::text::clean) first: a carriage return is a line break like any other (so
//! it cannot start an unescaped line), and no control character reaches the terminal showing
//! the report (an escape sequence could rewrite what it shows).

use std::fmt::Write as _;

use crate::model::{Block, Link, NoteKind};
use crate::round::{Round, RoundAnswer};
use crate::schema::Questionnaire;
use crate::submission::AnswerStatus;

use crate::vocabulary::{Mark, NOT_SUBMITTED_HEADING};

use super::grid::Grid;
use super::text::{answer_note, area_heading, clean, made_by, title, value_sv};

/// The Markdown export of a round.
pub fn to_markdown(round: &Round, q: &Questionnaire) -> String {
    let grid = Grid::new(round, q);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", heading(&title(round, q)));
    intro(&mut out, round, &grid);
    completeness(&mut out, &grid);
    areas(&mut out, round, q);
    missing(&mut out, round);
    unresolved(&mut out, round);
    conflicts(&mut out, round);
    let _ = writeln!(out, "---\n\n*{}*", inline(&made_by(round)));
    // One line break at the end.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The round in words and how many of those expected have answered.
fn intro(out: &mut String, round: &Round, grid: &Grid<'_>) {
    let submitted = grid
        .rows
        .iter()
        .filter(|r| r.submission.is_some() && r.respondent.expected)
        .count();
    let expected = grid.rows.iter().filter(|r| r.respondent.expected).count();
    let mut intro = Vec::new();
    if let Some(r) = &round.round {
        intro.push(format!("{}.", r.in_words()));
    }
    if round.round_unknown() {
        intro.push(super::text::ROUND_UNKNOWN.to_owned());
    } else {
        intro.push(format!(
            "{} av {} förväntade har lämnat in.",
            submitted, expected
        ));
    }
    let _ = writeln!(out, "{}\n", inline(&intro.join(" ")));
}

/// The completeness table: a row per respondent, a column per question (its short label), a
/// mark per status, and the legend.
fn completeness(out: &mut String, grid: &Grid<'_>) {
    out.push_str("## Inkomna svar\n\n");
    if grid.rows.is_empty() || grid.questions.is_empty() {
        out.push_str("Inga formulär har kommit in.\n\n");
        return;
    }
    out.push_str("| Nämnd/bolag |");
    for question in &grid.questions {
        let _ = write!(out, " {} |", cell(question.label));
    }
    out.push_str("\n| --- |");
    for _ in &grid.questions {
        out.push_str(" :-: |");
    }
    out.push('\n');
    for row in &grid.rows {
        let _ = write!(out, "| {} |", cell(&row.respondent.label));
        for c in &row.cells {
            let _ = write!(out, " {} |", Mark::from(*c).symbol());
        }
        out.push('\n');
    }
    let _ = writeln!(out, "\n{}\n", Mark::legend(&Mark::MATRIX, " · "));
}

/// The answers, per focus area and question.
fn areas(out: &mut String, round: &Round, q: &Questionnaire) {
    for area in &round.areas {
        match area.number {
            Some(n) => {
                let _ = writeln!(out, "## {}\n", heading(&area_heading(n, &area.title)));
                for question in &area.questions {
                    let _ = writeln!(out, "### {}\n", heading(&question.question));
                    answers(out, &super::text::shown_answers(q, question));
                }
            }
            // Questions outside the areas stand under their own heading, as in the template.
            None => {
                for question in &area.questions {
                    let _ = writeln!(out, "## {}\n", heading(&question.question));
                    answers(out, &super::text::shown_answers(q, question));
                }
            }
        }
    }
}

/// The expected respondents without a form.
fn missing(out: &mut String, round: &Round) {
    let _ = writeln!(out, "## {NOT_SUBMITTED_HEADING}\n");
    if round.missing.is_empty() {
        let _ = writeln!(out, "{}\n", super::text::none_missing(round));
    } else {
        for m in &round.missing {
            let _ = writeln!(out, "- {}", inline(&m.label));
        }
        out.push('\n');
    }
}

/// The forms whose respondent is unknown, when there are any.
fn unresolved(out: &mut String, round: &Round) {
    if round.unresolved.is_empty() {
        return;
    }
    out.push_str("## Formulär med okänd avsändare\n\n");
    for u in &round.unresolved {
        let name = u.file.clone().unwrap_or_else(|| u.sha256.clone());
        let _ = writeln!(out, "- {}", inline(&name));
    }
    out.push('\n');
}

/// The conflicts, when there are any.
fn conflicts(out: &mut String, round: &Round) {
    if round.conflicts.is_empty() {
        return;
    }
    out.push_str("## Konflikter\n\n");
    for c in &round.conflicts {
        let name = c
            .source
            .file
            .clone()
            .unwrap_or_else(|| c.source.sha256.clone());
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            inline(&name),
            inline(c.code.as_str()),
            inline(&c.message)
        );
    }
    out.push('\n');
}

/// Each form's answer to one question, under the respondent's name.
fn answers(out: &mut String, answers: &[&RoundAnswer]) {
    if answers.is_empty() {
        out.push_str("*Inga svar.*\n\n");
    }
    for a in answers {
        let _ = writeln!(out, "**{}**\n", inline(&a.label));
        match a.status {
            AnswerStatus::Missing => {
                let _ = writeln!(out, "*{}*\n", answer_note(Mark::Missing));
            }
            AnswerStatus::Unanswered if a.text.is_empty() => {
                let _ = writeln!(out, "*{}*\n", answer_note(Mark::Unanswered));
            }
            _ => {
                if a.blocks.is_empty() && !a.text.is_empty() {
                    let _ = writeln!(out, "{}\n", paragraph(&a.text, &[]));
                }
                blocks(out, &a.blocks);
                if let Some(v) = value_sv(&a.value)
                    && v != a.text
                {
                    let _ = writeln!(out, "*Värde:* {}\n", inline(&v));
                }
            }
        }
    }
}

fn blocks(out: &mut String, blocks: &[Block]) {
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i] {
            Block::Paragraph { text, links } => {
                let _ = writeln!(out, "{}\n", paragraph(text, links));
            }
            Block::ListItem { .. } => {
                // A list: the items that follow each other.
                while let Some(Block::ListItem { text, level, links }) = blocks.get(i) {
                    let indent = "  ".repeat(usize::from(*level));
                    let text = paragraph(text, links).replace("  \n", &format!("  \n{indent}  "));
                    let _ = writeln!(out, "{indent}- {text}");
                    i += 1;
                }
                out.push('\n');
                continue;
            }
            Block::Table { rows } => table(out, rows),
            Block::Note { note, text } => {
                let kind = match note {
                    NoteKind::Footnote => "Fotnot",
                    NoteKind::Endnote => "Slutnot",
                };
                let _ = writeln!(out, "*{kind}:* {}\n", paragraph(text, &[]));
            }
        }
        i += 1;
    }
}

/// A table of the answer: its first row heads it (Markdown tables need a header row).
fn table(out: &mut String, rows: &[Vec<String>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return;
    }
    for (n, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..width {
            let _ = write!(out, " {} |", cell(row.get(c).map_or("", String::as_str)));
        }
        out.push('\n');
        if n == 0 {
            out.push('|');
            for _ in 0..width {
                out.push_str(" --- |");
            }
            out.push('\n');
        }
    }
    out.push('\n');
}

/// A paragraph of answer text: escaped, its links as Markdown links, its line breaks kept
/// (two spaces, then the break: a hard line break).
///
/// Each link's text is looked for in order, each after the one before, as the reader records
/// them; a link whose text is not found stays plain text.
fn paragraph(text: &str, links: &[Link]) -> String {
    let text = clean(text);
    let mut out = String::new();
    let mut rest = &*text;
    let mut at_line_start = true;
    for link in links {
        let link_text = clean(&link.text);
        let Some(at) = (!link_text.is_empty())
            .then(|| rest.find(&*link_text))
            .flatten()
        else {
            continue;
        };
        out.push_str(&lines(&rest[..at], at_line_start));
        let label = link_text.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = write!(
            out,
            "[{}]({})",
            escape_line(&label, false),
            link_target(&link.target)
        );
        at_line_start = false;
        rest = &rest[at + link_text.len()..];
    }
    out.push_str(&lines(rest, at_line_start));
    out
}

/// Text that may hold line breaks: each line escaped, the breaks kept as hard breaks.
fn lines(text: &str, at_line_start: bool) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, line)| escape_line(line, at_line_start || i > 0))
        .collect::<Vec<_>>()
        .join("  \n")
}

/// A link target: in angle brackets when it holds spaces or brackets; a line break or tab in
/// it percent-encoded (a destination cannot hold one: the rest would start a line of its own).
fn link_target(target: &str) -> String {
    let target = clean(target).replace('\n', "%0A").replace('\t', "%09");
    if target.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", target.replace('<', "%3C").replace('>', "%3E"))
    } else {
        target
    }
}

/// Answer text on lines of its own: each line escaped, line breaks kept.
pub(crate) fn inline(text: &str) -> String {
    paragraph(text, &[])
}

/// Text for a heading: on one line, `#` escaped too (a closing `#` sequence would be dropped).
/// What follows `## ` is no line start: a heading holds no lists or quotes.
pub(crate) fn heading(text: &str) -> String {
    let one_line = clean(text).split_whitespace().collect::<Vec<_>>().join(" ");
    escape_line(&one_line, false).replace('#', "\\#")
}

/// Text for a table cell: on one line (breaks as `<br>`), `|` escaped (as everywhere).
pub(crate) fn cell(text: &str) -> String {
    clean(text)
        .split('\n')
        .map(|l| escape_line(l.trim(), false))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Escapes what Markdown would read as markup in one line of text. `line_start`: the text
/// starts a line, where `#`, `>`, `- `, `+ `, `1. ` and `===` mean something too.
pub(crate) fn escape_line(text: &str, line_start: bool) -> String {
    let text = if line_start { text.trim_start() } else { text };
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // `&amp;`, `&#123;`: an entity Markdown would decode.
            '&' if is_entity(&chars[i + 1..]) => out.push_str("\\&"),
            _ => out.push(c),
        }
    }
    if line_start {
        let first = out.chars().next();
        let needs = match first {
            Some('#' | '>' | '=') => true,
            Some('-' | '+') => matches!(out.chars().nth(1), None | Some(' ' | '\t' | '-')),
            Some(c) if c.is_ascii_digit() => {
                let digits = out.chars().take_while(char::is_ascii_digit).count();
                let mut after = out.chars().skip(digits);
                digits <= 9
                    && matches!(after.next(), Some('.' | ')'))
                    && matches!(after.next(), None | Some(' ' | '\t'))
            }
            _ => false,
        };
        if needs {
            if first.is_some_and(|c| c.is_ascii_digit()) {
                // `1. ` → `1\. `: the mark follows the digits.
                let digits = out.chars().take_while(char::is_ascii_digit).count();
                out.insert(digits, '\\');
            } else {
                out.insert(0, '\\');
            }
        }
    }
    out
}

fn is_entity(rest: &[char]) -> bool {
    let body: Vec<&char> = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .collect();
    !body.is_empty() && rest.get(body.len()) == Some(&';')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing;

    #[test]
    fn the_report_has_the_title_the_areas_the_questions_and_every_answer() {
        let round = testing::round(false);
        let q = testing::questionnaire();
        let md = to_markdown(&round, &q);
        assert!(
            md.starts_with("# Uppföljningsrapport näringsliv – 2022-T1\n"),
            "{md}"
        );
        assert!(md.contains("\n## 1. Stimulera tillväxt och företagsamhet\n"));
        assert!(md.contains("\n### Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.\n"));
        assert!(md.contains("\n## Övriga upplysningar\n"));
        assert!(md.contains("\n**Bromma stadsdelsnämnd**\n"));
        assert!(md.contains("Svar 2 från Bromma.  \nAndra raden."));
        assert!(
            md.contains(
                "\n- Första punkten\n  - \\- underpunkt med \\[[länk](https://start.stockholm)\\](x)\n"
            ),
            "{md}"
        );
        assert!(md.contains(
            "| Aktivitet | Antal \\| st |\n| --- | --- |\n| Företagsbesök<br>vår | 12 |"
        ));
        assert!(md.contains("*Fotnot:* Enligt SBR."));
        assert!(md.contains("*Saknas i formuläret.*"));
        assert!(md.contains("*Obesvarad.*"));
        assert!(md.contains("*Värde:* ja"));
        assert!(md.contains("## Ej inkomna\n\n- Enskede-Årsta-Vantörs stadsdelsnämnd\n"));
        assert!(md.contains("## Formulär med okänd avsändare\n\n- okand.docx\n"));
        assert!(md.contains("## Konflikter\n\n- Farsta VB 2021.docx (round-mismatch): "));
        assert!(md.contains("it is left out\n\n---\n\n"), "{md}");
        let made_by = format!(
            "*Skapad 2022-05-02 kl. 08.30 UTC med blankett {}.*\n",
            env!("CARGO_PKG_VERSION")
        );
        assert!(md.ends_with(&made_by), "one line break at the end: {md}");
    }

    #[test]
    fn the_completeness_table_has_a_column_per_question_and_a_legend() {
        let round = testing::round(false);
        let md = to_markdown(&round, &testing::questionnaire());
        let header = md
            .lines()
            .find(|l| l.starts_with("| Nämnd/bolag |"))
            .unwrap();
        assert_eq!(header.matches(" |").count(), 10);
        assert!(header.contains("| Samverkan lokalt näringsliv |"));
        let farsta = md.lines().find(|l| l.starts_with("| Farsta")).unwrap();
        assert_eq!(
            farsta,
            "| Farsta stadsdelsnämnd | ✓ | – | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |"
        );
        let enskede = md.lines().find(|l| l.starts_with("| Enskede")).unwrap();
        assert_eq!(enskede.matches('✗').count(), 9);
        assert!(md.contains("✓ Besvarad · ○ Obesvarad · – Saknas i formuläret · ✗ Ej inkommen"));
    }

    #[test]
    fn answer_text_cannot_make_headings_lists_or_tables() {
        let round = testing::round(false);
        let md = to_markdown(&round, &testing::questionnaire());
        assert!(
            md.contains(
                "\n\\# Inte en rubrik \\| med \\*stjärnor\\* och \\_understreck\\_ \\<b>\n"
            )
        );
        // Farsta's "1. Farsta svarar …" is no numbered list.
        assert!(md.contains("\n1\\. Farsta svarar på fråga 0.\n"));
        assert_eq!(escape_line("- punkt", true), "\\- punkt");
        assert_eq!(escape_line("---", true), "\\---");
        assert_eq!(escape_line("=====", true), "\\=====");
        assert_eq!(escape_line("> citat", true), "\\> citat");
        // A table made of an answer's lines: no pipe is left to make one.
        assert_eq!(
            escape_line("| Insats | Antal |", true),
            "\\| Insats \\| Antal \\|"
        );
        assert_eq!(escape_line(":--- | ---:", true), ":--- \\| ---:");
        assert_eq!(escape_line("2022 var ett år", true), "2022 var ett år");
        assert_eq!(escape_line("A &amp; B & C", false), "A \\&amp; B & C");
        assert_eq!(heading("Fråga # 2 ##"), "Fråga \\# 2 \\#\\#");
        assert_eq!(cell("a|b\nc"), "a\\|b<br>c");
    }

    #[test]
    fn a_carriage_return_or_a_control_character_cannot_make_markup_or_reach_the_terminal() {
        assert_eq!(inline("svar\r# rubrik"), "svar  \n\\# rubrik");
        assert_eq!(inline("svar\r\n- punkt"), "svar  \n\\- punkt");
        assert_eq!(inline("\u{1B}[2Jrensad\u{FFFE}\u{7}"), "\\[2Jrensad");
        assert_eq!(
            heading("Fråga\r# två\u{1B}]0;titel\u{7}"),
            "Fråga \\# två\\]0;titel"
        );
        assert_eq!(cell("a\rb\u{8}"), "a<br>b");
        assert_eq!(
            link_target("https://x.example/a\n# b"),
            "<https://x.example/a%0A# b>"
        );
        let links = [Link {
            text: "län\u{1}k".into(),
            target: "https://x.example".into(),
        }];
        assert_eq!(
            paragraph("se län\u{1}k\u{FFFF}", &links),
            "se [länk](https://x.example)"
        );
    }
}
