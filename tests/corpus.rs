//! Conformance over real Word files from other projects' test suites (`../shared/corpus`).
//!
//! Runs when the corpus is there (or `BLANKETT_CORPUS` points at one) and says it was skipped
//! when it is not. For every file of `MANIFEST.tsv`: readable files open without error and hold
//! as many controls as the manifest counts (controls Word writes twice, under `mc:Choice` and
//! again under `mc:Fallback`, counted once; controls a tracked change removed not at all), bad
//! files fail with the right kind of error, and the texts the source projects' own tests assert
//! (`expected/`) are found.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use blankett::{Document, Origin, Value};
use serde_json::Value as Json;

use crate::common::removed_controls;

/// Says something the test run shows even when the test passes (libtest captures `eprintln!`).
pub fn say(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// The shared corpus, which lives beside the repository and is never copied into it: a machine
/// without it skips these tests, saying so; one that names it (`BLANKETT_CORPUS`) must have it.
pub fn corpus() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os("BLANKETT_CORPUS") {
        let dir = PathBuf::from(named);
        assert!(
            dir.join("MANIFEST.tsv").is_file(),
            "BLANKETT_CORPUS={} holds no MANIFEST.tsv",
            dir.display()
        );
        return Some(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

struct Row {
    path: String,
    expect: String,
    sdt_count: Option<usize>,
    features: String,
    legacy_fields: Option<usize>,
}

fn manifest(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (p, e, s, f, l) = (
        col("path"),
        col("expect"),
        col("sdt_count"),
        col("features"),
        col("legacy_fields"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            Row {
                path: cells[p].to_owned(),
                expect: cells[e].to_owned(),
                sdt_count: cells[s].parse().ok(),
                features: cells[f].trim_matches('"').replace("\"\"", "\""),
                legacy_fields: cells[l].parse().ok(),
            }
        })
        .collect()
}

/// `sdt_in_mc:Fallback=N(duplicates of mc:Choice)` → N.
fn fallback_duplicates(features: &str) -> usize {
    features
        .split(',')
        .find_map(|f| f.strip_prefix("sdt_in_mc:Fallback="))
        .and_then(|rest| rest.split('(').next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn every_manifest_file_reads_or_fails_as_listed() {
    let Some(dir) = corpus() else {
        say("corpus: skipped, no corpus at ../shared/corpus (set BLANKETT_CORPUS to run it)");
        return;
    };
    let rows = manifest(&dir);
    assert!(rows.len() > 100, "the manifest lists {} files", rows.len());
    let mut problems = Vec::new();
    let (mut read, mut controls, mut legacy, mut failed_as_listed) = (0, 0, 0, 0);
    for row in &rows {
        let path = dir.join("files").join(&row.path);
        let result = std::panic::catch_unwind(|| blankett::read_path(&path));
        let Ok(result) = result else {
            problems.push(format!("{}: panicked", row.path));
            continue;
        };
        match (row.expect.as_str(), result) {
            ("readable", Ok(doc)) => {
                read += 1;
                let sdts = doc
                    .controls
                    .iter()
                    .filter(|c| c.origin == Origin::ContentControl)
                    .count();
                let fields = doc.controls.len() - sdts;
                controls += sdts;
                legacy += fields;
                let removed = removed_controls(&std::fs::read(&path).unwrap());
                let want =
                    row.sdt_count.unwrap_or(0) - fallback_duplicates(&row.features) - removed;
                if sdts != want {
                    problems.push(format!(
                        "{}: {sdts} content controls, manifest says {want}",
                        row.path
                    ));
                }
                if fields != row.legacy_fields.unwrap_or(0) {
                    problems.push(format!(
                        "{}: {fields} legacy form fields, manifest says {:?}",
                        row.path, row.legacy_fields
                    ));
                }
            }
            ("readable", Err(e)) => problems.push(format!("{}: {e}", row.path)),
            ("no-entity-expansion", Ok(doc)) => {
                // Whatever the entity would expand to, it must not be in the text.
                if doc.text().contains("root:") || doc.text().contains("/etc/") {
                    problems.push(format!("{}: an external entity was expanded", row.path));
                }
            }
            ("no-entity-expansion", Err(_)) => {}
            (expect, Ok(_)) => problems.push(format!("{}: read, but expected {expect}", row.path)),
            (expect, Err(e)) => {
                let ok = match expect {
                    "error:encrypted" => e.code() == "encrypted",
                    "error:legacy-doc" => e.code() == "legacy-doc",
                    "error:not-a-zip-or-damaged" => {
                        matches!(e.code(), "not-a-zip" | "damaged-zip")
                    }
                    "error:malformed-xml" => e.code() == "malformed-xml",
                    other => panic!("unknown expectation {other}"),
                };
                if ok {
                    failed_as_listed += 1;
                } else {
                    problems.push(format!("{}: expected {expect}, got {e}", row.path));
                }
            }
        }
    }
    say(&format!(
        "corpus: {} files, {read} read, {controls} content controls, {legacy} legacy form fields, {failed_as_listed} bad files failed as listed",
        rows.len()
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// --- the source projects' own assertions ------------------------------------------------------

/// Whitespace-insensitive comparison form: every run of whitespace (Unicode spaces, tabs, line
/// breaks) becomes one space.
fn ws(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{2002}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn top_level_texts(doc: &Document) -> Vec<String> {
    doc.controls
        .iter()
        .filter(|c| c.parent.is_none() && c.origin == Origin::ContentControl)
        .map(|c| ws(&c.text))
        .collect()
}

/// Checkbox states in reading order, content controls and legacy fields alike.
fn checkbox_states(doc: &Document) -> Vec<bool> {
    doc.controls
        .iter()
        .filter_map(|c| match c.value {
            Some(Value::Boolean(b)) => Some(b),
            _ => None,
        })
        .collect()
}

const CHECKED: [&str; 2] = ["☒", "\\u2612"];
const UNCHECKED: [&str; 2] = ["☐", "\\u2610"];

/// Decodes a Python string literal body (`\t`, `\n`, `\uXXXX`, `\"`, `\\`).
fn unescape_py(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The string literals of the expected value in a Python test excerpt: everything after the
/// line that starts the comparison (`== [` or `expect… = [`), so docstrings and file names are
/// left out. With `only_par`, only `par("""…""")` texts (paragraph runs) count.
fn python_literals(excerpt: &[Json], only_par: bool) -> Vec<String> {
    let lines: Vec<String> = excerpt
        .iter()
        .filter_map(|l| l.as_str())
        .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_owned())
        .collect();
    let start = lines
        .iter()
        .position(|l| l.contains("== [") || (l.contains("expect") && l.trim_end().ends_with("= [")))
        .unwrap_or(0);
    let text = lines[start..].join("\n");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find('"') {
        let before = &rest[..i];
        let is_par = before.trim_end().ends_with("par(");
        if rest[i..].starts_with("\"\"\"") {
            let body = &rest[i + 3..];
            let Some(end) = body.find("\"\"\"") else {
                break;
            };
            if !only_par || is_par {
                out.push(unescape_py(&body[..end]));
            }
            rest = &body[end + 3..];
        } else {
            let body = &rest[i + 1..];
            let mut end = None;
            let mut escaped = false;
            for (j, c) in body.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = Some(j);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            let Some(end) = end else { break };
            if !only_par {
                out.push(unescape_py(&body[..end]));
            }
            rest = &body[end + 1..];
        }
    }
    out
}

/// `--\tBullet1` → `Bullet1`: list numbering drawn by the source tool, not document text.
fn strip_list_marker(s: &str) -> &str {
    match s.split_once('\t') {
        Some((marker, rest))
            if !marker.is_empty()
                && marker.len() <= 4
                && marker
                    .chars()
                    .all(|c| c.is_ascii_digit() || "-)*•.abcdefghivx".contains(c)) =>
        {
            rest
        }
        _ => s,
    }
}

/// Checks that every literal (glyphs aside) is in the document text and, when `glyphs` is set,
/// that the checkbox glyphs match the checkbox states in number.
fn check_literals(doc: &Document, literals: &[String], glyphs: bool, problems: &mut Vec<String>) {
    let text = ws(&doc.text());
    let (mut checked, mut unchecked) = (0, 0);
    for lit in literals {
        let mut s = lit.clone();
        for g in CHECKED {
            checked += s.matches(g).count();
            s = s.replace(g, " ");
        }
        for g in UNCHECKED {
            unchecked += s.matches(g).count();
            s = s.replace(g, " ");
        }
        let want = ws(strip_list_marker(&s));
        if !want.is_empty() && !text.contains(&want) {
            problems.push(format!("text {want:?} not found"));
        }
    }
    if glyphs {
        let states = checkbox_states(doc);
        let got = (
            states.iter().filter(|b| **b).count(),
            states.iter().filter(|b| !**b).count(),
        );
        if got != (checked, unchecked) {
            problems.push(format!(
                "checkboxes checked/unchecked {got:?}, expected {:?}",
                (checked, unchecked)
            ));
        }
    }
}

/// Words of a pandoc native AST (`Str "…"`), with its `\NNNN` escapes decoded.
fn pandoc_words(native: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = native;
    while let Some(i) = rest.find("Str \"") {
        let body = &rest[i + 5..];
        let Some(end) = body.find('"') else { break };
        let raw = &body[..end];
        let mut word = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '\\' {
                word.push(c);
                continue;
            }
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            if let Some(ch) = digits.parse().ok().and_then(char::from_u32) {
                word.push(ch);
            } else if chars.peek() == Some(&'&') {
                chars.next();
            } else if let Some(next) = chars.next() {
                word.push(next);
            }
        }
        out.push(word);
        rest = &body[end + 1..];
    }
    out
}

/// What an assertion is checked against: the document, its text with white space collapsed
/// and the texts of its top-level content controls.
struct Subject<'a> {
    doc: &'a Document,
    text: String,
    top: Vec<String>,
}

fn check_assertion(doc: &Document, a: &Json, problems: &mut Vec<String>) {
    let kind = a["kind"].as_str().unwrap_or("");
    let values = &a["asserted_values"];
    let s = Subject {
        doc,
        text: ws(&doc.text()),
        top: top_level_texts(doc),
    };
    match kind {
        "sdt_count_equals" => check_control_count(&s, values, problems),
        "sdt_content_text_equals_in_order" => check_control_texts_in_order(&s, values, problems),
        "sdt_content_text_equals" | "sdt_content_text" => {
            check_control_texts(&s, values, problems);
        }
        "sdt_properties" => {
            check_control_texts(&s, values, problems);
            check_first_control_properties(&s, values, problems);
        }
        "document_text_equals" | "document_text_contains" | "document_text_lowercased_contains" => {
            check_document_text(&s, kind, values, problems);
        }
        "document_text_lowercased_regex_count" => check_line_counts(&s, values, problems),
        "document_text_contains / not_contains" | "document_text_contains + body sdt count" => {
            check_contains_and_not(&s, values, problems);
        }
        "paragraph_text_with_sdt_tag" => check_tagged_texts(&s, values, problems),
        "glyph_counts" => check_glyph_counts(&s, values, problems),
        "text_equals" => {
            let lits = strings(values);
            check_literals(doc, &lits, true, problems);
        }
        "body_runs_equals" | "document_equals" | "document_runs_equals" => {
            let lits = match values {
                Json::Null => python_literals(a["source_excerpt"].as_array().unwrap(), false),
                v => flatten(v),
            };
            check_literals(doc, &lits, true, problems);
        }
        "body_runs_slice_equals" => {
            let lits = python_literals(a["source_excerpt"].as_array().unwrap(), false);
            check_literals(doc, &lits, false, problems);
        }
        "paragraph_styles_and_runs" => {
            let lits = python_literals(a["source_excerpt"].as_array().unwrap(), true);
            assert!(!lits.is_empty());
            check_literals(doc, &lits, false, problems);
        }
        "pandoc_native_equals" => check_pandoc_words(&s, values, problems),
        "html_output_equals" => check_html_texts(&s, values, problems),
        other => problems.push(format!("assertion kind {other} is not checked")),
    }
}

/// The strings of a JSON array (anything else: none).
fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `[{"sdt_count": N}]`: the number of top-level controls.
fn check_control_count(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    let want = values[0]["sdt_count"].as_u64().unwrap() as usize;
    if s.top.len() != want {
        problems.push(format!(
            "{} top-level controls, expected {want}",
            s.top.len()
        ));
    }
}

/// `["…", …]`: the texts of all top-level controls, in order.
fn check_control_texts_in_order(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    let want: Vec<String> = strings(values).iter().map(|t| ws(t)).collect();
    if s.top != want {
        problems.push(format!("control texts {:?}, expected {want:?}", s.top));
    }
}

/// `[{"sdt_count"?, "sdt_index"?, "text"?, "contains"?}, …]`: the number of top-level
/// controls, and the text of the one at an index, whole or in part.
fn check_control_texts(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    let top = &s.top;
    for v in values.as_array().unwrap() {
        if let Some(n) = v["sdt_count"].as_u64()
            && top.len() != n as usize
        {
            problems.push(format!("{} top-level controls, expected {n}", top.len()));
        }
        let Some(i) = v["sdt_index"].as_u64() else {
            continue;
        };
        let got = top.get(i as usize).cloned().unwrap_or_default();
        if let Some(t) = v["text"].as_str()
            && got != ws(t)
        {
            problems.push(format!("control {i}: {got:?}, expected {t:?}"));
        }
        let contains = match &v["contains"] {
            Json::String(one) => vec![one.clone()],
            other => strings(other),
        };
        for c in contains {
            if !got.contains(&ws(&c)) {
                problems.push(format!("control {i}: {got:?} lacks {c:?}"));
            }
        }
    }
}

/// `[{"tag", "title"}]`: the tag and title of the first top-level control.
fn check_first_control_properties(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    let c = s.doc.controls.iter().find(|c| c.parent.is_none());
    for (key, got) in [
        ("tag", c.and_then(|c| c.tag.clone())),
        ("title", c.and_then(|c| c.alias.clone())),
    ] {
        let want = values[0][key].as_str().unwrap_or("");
        if got.as_deref().unwrap_or("") != want {
            problems.push(format!("{key} {got:?}, expected {want:?}"));
        }
    }
}

/// `["…", …]`: the document text is (or holds, or lowercased holds) each string.
fn check_document_text(s: &Subject, kind: &str, values: &Json, problems: &mut Vec<String>) {
    let text = if kind.contains("lowercased") {
        s.text.to_lowercase()
    } else {
        s.text.clone()
    };
    for want in strings(values) {
        // POI draws legacy checkboxes as |_| and |X|: compare states, then the text.
        let boxes: Vec<bool> = want
            .match_indices("|X|")
            .map(|(i, _)| (i, true))
            .chain(want.match_indices("|_|").map(|(i, _)| (i, false)))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_values()
            .collect();
        if !boxes.is_empty() && checkbox_states(s.doc) != boxes {
            problems.push(format!(
                "checkbox states {:?}, expected {boxes:?}",
                checkbox_states(s.doc)
            ));
        }
        let want = ws(&want.replace("|X|", " ").replace("|_|", " "));
        let ok = if kind == "document_text_equals" {
            text == want
        } else {
            text.contains(&want)
        };
        if !ok {
            problems.push(format!("document text {text:?} does not have {want:?}"));
        }
    }
}

/// `[{"regex", "count"}, …]`: how often a word occurs in the lowercased text (as a whole
/// line when the pattern ends with a newline).
fn check_line_counts(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    let lines = s.doc.text().to_lowercase();
    for v in values.as_array().unwrap() {
        let pattern = v["regex"].as_str().unwrap();
        let want = v["count"].as_u64().unwrap() as usize;
        // The patterns are literal words ending a line in POI's text.
        let needle = pattern.trim_end_matches('\n');
        let got = if pattern.ends_with('\n') {
            lines.lines().filter(|l| l.trim() == needle).count()
        } else {
            lines.matches(needle).count()
        };
        if got != want {
            problems.push(format!("{pattern:?} found {got} times, expected {want}"));
        }
    }
}

/// `[{"contains"?, "not_contains"?}, …]`: what the document text holds and does not.
fn check_contains_and_not(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    for v in values.as_array().unwrap() {
        if let Some(c) = v["contains"].as_str()
            && !s.text.contains(&ws(c))
        {
            problems.push(format!("document text lacks {c:?}"));
        }
        if let Some(c) = v["not_contains"].as_str()
            && s.text.contains(&ws(c))
        {
            problems.push(format!("document text has {c:?}"));
        }
    }
}

/// `["[tag]: text", …]`: a control with that tag holds that text.
fn check_tagged_texts(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    for v in strings(values) {
        let (tag, text) = v
            .strip_prefix('[')
            .and_then(|r| r.split_once("]: "))
            .expect("[tag]: text");
        let found = s
            .doc
            .controls
            .iter()
            .any(|c| c.tag.as_deref() == Some(tag) && ws(&c.text).contains(&ws(text)));
        if !found {
            problems.push(format!("no control tagged {tag} holds {text:?}"));
        }
    }
}

/// `[{"☒ (checked)": N}, {"☐ (unchecked)": M}]`: the checkboxes' states, counted.
fn check_glyph_counts(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    let states = checkbox_states(s.doc);
    let checked = states.iter().filter(|b| **b).count();
    let want_checked = values[0]["☒ (checked)"].as_u64().unwrap() as usize;
    let want_unchecked = values[1]["☐ (unchecked)"].as_u64().unwrap() as usize;
    if (checked, states.len() - checked) != (want_checked, want_unchecked) {
        problems.push(format!(
            "checkboxes {checked} checked of {}, expected {want_checked} of {}",
            states.len(),
            want_checked + want_unchecked
        ));
    }
}

/// `{"expected_native": "…"}`: every word of pandoc's AST is in the document text.
fn check_pandoc_words(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    for word in pandoc_words(values["expected_native"].as_str().unwrap()) {
        if !s.text.contains(&ws(&word)) {
            problems.push(format!("word {word:?} not in the document text"));
        }
    }
}

/// `["<p>…</p>", …]`: the text of each HTML output, its tags taken for spaces, is in the
/// document text.
fn check_html_texts(s: &Subject, values: &Json, problems: &mut Vec<String>) {
    for html in strings(values) {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    text.push(' ');
                }
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        if !s.text.contains(&ws(&text)) {
            problems.push(format!("document text lacks {text:?}"));
        }
    }
}

fn flatten(v: &Json) -> Vec<String> {
    match v {
        Json::String(s) => vec![s.clone()],
        Json::Array(a) => a.iter().flat_map(flatten).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn texts_asserted_by_the_source_projects_are_found() {
    let Some(dir) = corpus() else {
        say("corpus: skipped, no corpus at ../shared/corpus (set BLANKETT_CORPUS to run it)");
        return;
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for project in std::fs::read_dir(dir.join("expected")).unwrap() {
        for f in std::fs::read_dir(project.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    assert!(!files.is_empty());
    let mut report: HashMap<String, Vec<String>> = HashMap::new();
    let mut checked = 0;
    for f in &files {
        let json: Json = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let doc_path = dir.join("files").join(json["file"].as_str().unwrap());
        let doc = match blankett::read_path(&doc_path) {
            Ok(d) => d,
            Err(e) => {
                report.insert(json["file"].to_string(), vec![e.to_string()]);
                continue;
            }
        };
        for a in json["assertions"].as_array().unwrap() {
            let mut problems = Vec::new();
            check_assertion(&doc, a, &mut problems);
            checked += 1;
            if !problems.is_empty() {
                report
                    .entry(format!("{} ({})", json["file"], a["kind"]))
                    .or_default()
                    .extend(problems);
            }
        }
    }
    say(&format!(
        "corpus: {checked} assertions from {} files checked",
        files.len()
    ));
    let mut lines: Vec<String> = report
        .into_iter()
        .map(|(k, v)| format!("{k}:\n  {}", v.join("\n  ")))
        .collect();
    lines.sort();
    assert!(lines.is_empty(), "{}", lines.join("\n"));
}
