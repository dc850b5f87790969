//! `blankett consolidate` and `blankett status`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use blankett::batch::load_submissions;
use blankett::mapping::respondent::Matcher;
use blankett::output::{for_terminal, plural};
use blankett::round::{Cell, Options, RespondentStatus, Round, consolidate as merge};
use blankett::round_id::NotARoundId;
use blankett::schema::{Questionnaire, Registry};

use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, SchemaArgs, io_failure};

/// Merge the submissions of a round and write the exports
#[derive(Args)]
#[command(
    long_about = "Merge the submissions of a reporting round (output folders of `batch` \
    or `watch`, or submission files) into the round file: per focus area and question each \
    respondent's answer; the completeness matrix (respondent × question → status); expected \
    respondents that have not answered (from the registry and the variant, or --expected); a \
    later form from the same respondent replaces an earlier one, which is kept as superseded; \
    conflicts and unresolved respondents are listed, not hidden.\n\n\
    --format writes the exports next to the -o base: json (the round file, \
    schemas/round.schema.json), csv (one row per respondent × question), xlsx (completeness \
    and answers sheets), md (for reading), docx (the draft of the round's report)."
)]
pub struct ConsolidateArgs {
    /// Output folders of `batch`/`watch`, or submission files
    #[arg(required = true, value_name = "OUT")]
    inputs: Vec<PathBuf>,

    /// Base path of the exports (`-o out/2022-T1` writes out/2022-T1.json …); an extension is
    /// dropped
    #[arg(short, long, value_name = "ROUND")]
    output: PathBuf,

    /// Exports to write, comma-separated: json, csv, xlsx, md, docx
    #[arg(
        long,
        value_name = "FORMATS",
        default_value = "json",
        value_delimiter = ','
    )]
    format: Vec<String>,

    /// The round (default: the round most submissions name)
    #[arg(long, value_name = "ROUND")]
    round: Option<String>,

    /// Who is expected to answer: a file with one registry id or name per line (default: the
    /// registry's respondents of the variant's kinds that exist at the end of the round)
    #[arg(long, value_name = "FILE")]
    expected: Option<PathBuf>,

    /// CSV field delimiter; `;` for Swedish Excel (then a byte order mark is written, and fields
    /// that start like a formula get a leading `'`)
    #[arg(long, value_name = "CHAR", default_value = ",")]
    delimiter: char,

    /// Leave the contact details (personal data) out of every export
    #[arg(long)]
    redact_contact: bool,

    #[command(flatten)]
    schemas: SchemaArgs,
}

/// Show who has answered a round and whom to remind
#[derive(Args)]
#[command(
    long_about = "Show the completeness matrix of a round (respondents × questions) \
    and the list of respondents to remind: those who have not answered, and those with \
    questions unanswered, with their contact e-mail. Reads an output folder of `batch`/`watch` \
    (or submission files), or a round file written by `consolidate`."
)]
pub struct StatusArgs {
    /// Output folders, submission files, or a round file
    #[arg(required = true, value_name = "OUT")]
    inputs: Vec<PathBuf>,

    /// The round (default: the round most submissions name)
    #[arg(long, value_name = "ROUND")]
    round: Option<String>,

    /// Who is expected to answer: a file with one registry id or name per line
    #[arg(long, value_name = "FILE")]
    expected: Option<PathBuf>,

    #[command(flatten)]
    schemas: SchemaArgs,
}

/// Reads `--expected`: one registry id or name per line; `#` starts a comment.
fn expected_list(path: &Path, reg: &Registry) -> Result<Vec<String>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(format!(
            "{}: cannot read it: {}",
            path.display(),
            e.to_string().to_lowercase()
        ))
    })?;
    let matcher = Matcher::new(reg);
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        match matcher.by_id_or_name(reg, line) {
            Some(r) => ids.push(r.id.clone()),
            None => {
                return Err(Failure::Usage(format!(
                    "{}:{}: {line:?} is no respondent in the registry",
                    path.display(),
                    n + 1
                )));
            }
        }
    }
    Ok(ids)
}

fn build_round(
    inputs: &[PathBuf],
    round: Option<&str>,
    expected: Option<&Path>,
    redact: bool,
    q: &Questionnaire,
    reg: &Registry,
) -> Result<(Round, usize), Failure> {
    let round = match round {
        Some(r) => Some(
            blankett::mapping::round::parse(r)
                .ok_or_else(|| Failure::Usage(NotARoundId(r.to_owned()).to_string()))?,
        ),
        None => None,
    };
    let expected = expected.map(|p| expected_list(p, reg)).transpose()?;
    for p in inputs {
        if !p.exists() {
            return Err(Failure::Usage(format!(
                "{}: no such file or folder",
                p.display()
            )));
        }
    }
    let (subs, problems) = load_submissions(inputs);
    for p in &problems {
        eprintln!("{}", for_terminal(p));
    }
    let opts = Options {
        round,
        expected,
        redact_contact: redact,
    };
    Ok((merge(subs, q, reg, &opts), problems.len()))
}

pub fn consolidate(args: ConsolidateArgs) -> Result<u8, Failure> {
    let (q, reg) = args.schemas.load()?;
    let formats = parse_formats(&args.format)?;
    if !args.delimiter.is_ascii() {
        return Err(Failure::Usage(
            "--delimiter must be one ASCII character".into(),
        ));
    }
    let (round, problems) = build_round(
        &args.inputs,
        args.round.as_deref(),
        args.expected.as_deref(),
        args.redact_contact,
        &q,
        &reg,
    )?;
    let base = args.output.with_extension("");
    let written = blankett::export::write_exports(
        &round,
        &q,
        &formats,
        &base,
        &blankett::export::ExportOptions {
            delimiter: args.delimiter as u8,
        },
    )
    .map_err(|e| io_failure(&base, "write the exports", io::Error::other(e.to_string())))?;
    eprintln!(
        "consolidate: {} submission{} from {} respondent{}, {} missing, {} superseded, {} conflict{}; wrote {}",
        round.submissions.len(),
        plural(round.submissions.len()),
        round
            .respondents
            .iter()
            .filter(|r| r.source.is_some())
            .count(),
        plural(
            round
                .respondents
                .iter()
                .filter(|r| r.source.is_some())
                .count()
        ),
        round.missing.len(),
        round.superseded.len(),
        round.conflicts.len(),
        plural(round.conflicts.len()),
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(if problems > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

fn parse_formats(list: &[String]) -> Result<Vec<blankett::export::Format>, Failure> {
    let mut out = Vec::new();
    for f in list {
        let f: blankett::export::Format = f
            .trim()
            .parse()
            .map_err(|e: blankett::export::ExportError| Failure::Usage(e.to_string()))?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

pub fn status(args: StatusArgs) -> Result<u8, Failure> {
    let (q, reg) = args.schemas.load()?;
    // A round file is read as it is; anything else is merged here.
    let round_file = match args.inputs.as_slice() {
        [one] if one.is_file() => std::fs::read(one)
            .ok()
            .and_then(|b| serde_json::from_slice::<Round>(&b).ok()),
        _ => None,
    };
    let (round, problems) = match round_file {
        Some(r) => (r, 0),
        None => build_round(
            &args.inputs,
            args.round.as_deref(),
            args.expected.as_deref(),
            false,
            &q,
            &reg,
        )?,
    };
    let mut out = io::stdout().lock();
    out.write_all(status_text(&round, &q).as_bytes())?;
    out.flush()?;
    Ok(if problems > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// The completeness matrix and the reminders, as text for a terminal.
pub fn status_text(round: &Round, q: &Questionnaire) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let cols = &round.completeness.questions;
    let _ = writeln!(
        s,
        "{} – {}: {} respondent{}, {} complete, {} incomplete, {} not submitted",
        q.title,
        round
            .round
            .map_or_else(|| "(round unknown)".to_owned(), |r| r.to_string()),
        round.respondents.len(),
        plural(round.respondents.len()),
        round
            .respondents
            .iter()
            .filter(|r| r.status == RespondentStatus::Complete)
            .count(),
        round
            .respondents
            .iter()
            .filter(|r| r.status == RespondentStatus::Incomplete)
            .count(),
        round
            .respondents
            .iter()
            .filter(|r| r.status == RespondentStatus::NotSubmitted)
            .count(),
    );
    let width = round
        .completeness
        .rows
        .iter()
        .map(|r| for_terminal(&r.label).chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = write!(s, "\n{:width$}", "");
    for i in 0..cols.len() {
        let _ = write!(s, " {:>2}", i + 1);
    }
    s.push('\n');
    for row in &round.completeness.rows {
        let _ = write!(s, "{:width$}", for_terminal(&row.label));
        for c in &row.cells {
            let mark = match c {
                Cell::Answered => "✓",
                Cell::Unanswered => "·",
                Cell::Missing => "?",
                Cell::NotSubmitted => "–",
            };
            let _ = write!(s, "  {mark}");
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "\n✓ answered   · unanswered   ? not in the form   – no form"
    );
    for (i, id) in cols.iter().enumerate() {
        let alias = q
            .questions
            .iter()
            .find(|qu| &qu.id == id)
            .map(|qu| qu.alias.as_str())
            .unwrap_or("");
        let _ = writeln!(s, "{:>3}  {id}  {alias}", i + 1);
    }
    let remind: Vec<_> = round
        .respondents
        .iter()
        .zip(&round.completeness.rows)
        .filter(|(r, _)| r.status != RespondentStatus::Complete)
        .collect();
    if !remind.is_empty() {
        let _ = writeln!(s, "\nTo remind:");
        for (r, row) in remind {
            let what = match r.status {
                RespondentStatus::NotSubmitted => "no form".to_owned(),
                _ => {
                    // The required questions left unanswered or not in the form, by title.
                    let open: Vec<&str> = cols
                        .iter()
                        .zip(&row.cells)
                        .filter(|(_, c)| matches!(c, Cell::Unanswered | Cell::Missing))
                        .filter_map(|(id, _)| q.questions.iter().find(|qu| &qu.id == id))
                        .filter(|qu| !qu.optional)
                        .map(|qu| qu.alias.as_str())
                        .collect();
                    format!("not answered: {}", open.join(", "))
                }
            };
            let email = r
                .contact
                .as_ref()
                .and_then(|c| c.email.clone())
                .unwrap_or_else(|| "(no e-mail in the form)".into());
            let _ = writeln!(
                s,
                "  {}: {what}; {}",
                for_terminal(&r.label),
                for_terminal(&email)
            );
        }
    }
    for c in &round.conflicts {
        let _ = writeln!(
            s,
            "conflict {}: {} ({})",
            for_terminal(&c.code),
            for_terminal(&c.message),
            for_terminal(c.source.file.as_deref().unwrap_or(""))
        );
    }
    for u in &round.unresolved {
        let _ = writeln!(
            s,
            "unresolved respondent: {}",
            for_terminal(u.file.as_deref().unwrap_or(&u.sha256))
        );
    }
    s
}
