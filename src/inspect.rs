//! `blankett inspect`: what controls a form holds, as a table for people.

use std::fmt::Write;

use crate::model::{Control, Document, Level, Value};
use crate::output::plural;

/// Renders the controls of a document as a table no wider than `width` columns; with no
/// width (output to a file or a pipe) nothing is cut.
pub fn table(doc: &Document, width: Option<usize>) -> String {
    let mut out = String::new();
    let name = doc.source.file.as_deref().unwrap_or("(stdin)");
    let producer = doc.source.producer.as_deref().unwrap_or("unknown producer");
    let _ = writeln!(
        out,
        "{name}: {producer}, {} control{}, {} warning{}",
        doc.controls.len(),
        plural(doc.controls.len()),
        doc.warnings.len(),
        plural(doc.warnings.len()),
    );
    if !doc.controls.is_empty() {
        let rows: Vec<[String; 8]> = doc.controls.iter().map(|c| row(doc, c)).collect();
        let header = [
            "#",
            "part",
            "level",
            "type",
            "tag",
            "alias",
            "status",
            "value / text",
        ]
        .map(str::to_owned);
        let mut widths = [0usize; 8];
        for r in std::iter::once(&header).chain(rows.iter()) {
            for (w, cell) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        if let Some(width) = width {
            // Tags and titles give up room first, so the text keeps at least 40 columns.
            for cap in [24, 16, 10] {
                widths[4] = widths[4].min(cap);
                widths[5] = widths[5].min(cap);
                // The row's indent, then each of the first seven columns and two spaces.
                let fixed: usize = 2 + widths[..7].iter().sum::<usize>() + 2 * 7;
                widths[7] = width.saturating_sub(fixed).max(16);
                if widths[7] >= 40 {
                    break;
                }
            }
        }
        for r in std::iter::once(&header).chain(rows.iter()) {
            out.push_str("  ");
            for (i, (cell, w)) in r.iter().zip(widths.iter()).enumerate() {
                let cell = clip(cell, *w);
                if i == 7 {
                    out.push_str(&cell);
                } else if i == 0 {
                    let _ = write!(out, "{cell:>w$}  ", w = *w);
                } else {
                    let _ = write!(out, "{cell:<w$}  ", w = *w);
                }
            }
            let trimmed = out.trim_end_matches(' ').len();
            out.truncate(trimmed);
            out.push('\n');
        }
    }
    for w in &doc.warnings {
        let _ = writeln!(out, "  warning {}: {}", w.code, w.message);
    }
    if !doc.comments.is_empty() {
        let _ = writeln!(
            out,
            "  {} comment{} (kept apart from the answers)",
            doc.comments.len(),
            plural(doc.comments.len())
        );
    }
    out
}

fn row(doc: &Document, c: &Control) -> [String; 8] {
    let depth = ancestors(doc, c);
    let part = c
        .part
        .rsplit('/')
        .next()
        .unwrap_or(&c.part)
        .trim_end_matches(".xml")
        .to_owned();
    let mut level = match c.level {
        Level::Block => "block",
        Level::Inline => "inline",
        Level::Row => "row",
        Level::Cell => "cell",
    }
    .to_owned();
    if c.in_text_box {
        level.push_str("/textbox");
    } else if c.in_table && matches!(c.level, Level::Block | Level::Inline) {
        level.push_str("/table");
    }
    let ty = format!("{}{}", "  ".repeat(depth), c.control_type.name());
    let value = match &c.value {
        Some(Value::Boolean(b)) => format!("[{}] ", if *b { "x" } else { " " }),
        Some(Value::Date(d)) => format!("{d} "),
        Some(Value::Choice { value, .. }) if value != &c.text => format!("={value} "),
        _ => String::new(),
    };
    let text = format!("{value}{}", one_line(&c.text));
    [
        c.index.to_string(),
        part,
        level,
        ty,
        one_line(c.tag.as_deref().unwrap_or_default()),
        one_line(c.alias.as_deref().unwrap_or_default()),
        c.status.name().to_owned(),
        text.trim_end().to_owned(),
    ]
}

fn ancestors(doc: &Document, c: &Control) -> usize {
    let mut n = 0;
    let mut p = c.parent;
    while let Some(i) = p {
        n += 1;
        p = doc.controls.get(i).and_then(|c| c.parent);
        if n > 64 {
            break;
        }
    }
    n
}

/// Text on one table line: line breaks marked, tabs as spaces, other control characters
/// escaped (a form's text must not move the terminal's cursor).
fn one_line(s: &str) -> String {
    let s = s.replace('\n', " ⏎ ").replace('\t', " ");
    crate::output::for_terminal(&s).into_owned()
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_a_terminal_no_row_is_wider_than_it() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/forms/ostermalm-2022-T1.docx");
        let doc = crate::read_path(&path).unwrap();
        for width in [100, 120, 132] {
            let table = table(&doc, Some(width));
            let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("  ")).collect();
            assert!(rows.len() > 5, "{table}");
            for row in rows.iter().filter(|r| !r.starts_with("  warning")) {
                assert!(
                    row.chars().count() <= width,
                    "{} > {width}: {row}",
                    row.chars().count()
                );
            }
            assert!(rows.iter().any(|r| r.chars().count() == width), "{table}");
        }
    }

    #[test]
    fn clipping_marks_the_cut() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
