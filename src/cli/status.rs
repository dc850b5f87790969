//! `blankett status`: who has answered a round and whom to remind, as text for a terminal.
//! Reads a round file as it is; anything else is merged as `consolidate` merges it.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;

use blankett::Questionnaire;
use blankett::{Cell, CompletenessRow, Mark, RespondentStatus, Round};
use blankett::{for_terminal, plural};

use super::consolidate::build_round;
use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, SchemaArgs};

/// Show who has answered a round and whom to remind
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
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

pub fn run(args: StatusArgs) -> Result<u8, Failure> {
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
    let mut s = String::new();
    headline(&mut s, round, q);
    matrix(&mut s, round);
    legend(&mut s, round, q);
    reminders(&mut s, round, q);
    deviations(&mut s, round);
    s
}

/// The questionnaire, the round and how many respondents are where.
fn headline(s: &mut String, round: &Round, q: &Questionnaire) {
    let with = |status| {
        round
            .respondents
            .iter()
            .filter(|r| r.status == status)
            .count()
    };
    let _ = writeln!(
        s,
        "{} – {}: {} respondent{}, {} complete, {} incomplete, {} not submitted",
        q.title,
        round
            .round
            .map_or_else(|| "(round unknown)".to_owned(), |r| r.to_string()),
        round.respondents.len(),
        plural(round.respondents.len()),
        with(RespondentStatus::Complete),
        with(RespondentStatus::Incomplete),
        with(RespondentStatus::NotSubmitted),
    );
    if round.round_unknown() {
        s.push_str(
            "round unknown: give --round (2022-T1, 2022-T2 or 2022-VB) to see who has not answered\n",
        );
    }
}

/// The completeness matrix: a row per respondent, a numbered column per question.
fn matrix(s: &mut String, round: &Round) {
    let width = round
        .completeness
        .rows
        .iter()
        .map(|r| for_terminal(&r.label).chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = write!(s, "\n{:width$}", "");
    for i in 0..round.completeness.questions.len() {
        let _ = write!(s, " {:>2}", i + 1);
    }
    s.push('\n');
    for row in &round.completeness.rows {
        let _ = write!(s, "{:width$}", for_terminal(&row.label));
        for c in &row.cells {
            let _ = write!(s, "  {}", Mark::from(*c).symbol());
        }
        s.push('\n');
    }
}

/// What the marks mean, and which question each column is.
fn legend(s: &mut String, round: &Round, q: &Questionnaire) {
    let _ = writeln!(s, "\n{}", Mark::legend(&Mark::MATRIX, "   "));
    for (i, id) in round.completeness.questions.iter().enumerate() {
        let alias = q
            .questions
            .iter()
            .find(|qu| &qu.id == id)
            .map(|qu| qu.alias.as_str())
            .unwrap_or("");
        let _ = writeln!(s, "{:>3}  {id}  {alias}", i + 1);
    }
}

/// Whom to remind, of what, at which e-mail address.
fn reminders(s: &mut String, round: &Round, q: &Questionnaire) {
    let remind: Vec<_> = round
        .respondents
        .iter()
        .zip(&round.completeness.rows)
        .filter(|(r, _)| r.status != RespondentStatus::Complete)
        .collect();
    if remind.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nTo remind:");
    for (r, row) in remind {
        let what = match r.status {
            RespondentStatus::NotSubmitted => "no form".to_owned(),
            _ => format!(
                "not answered: {}",
                open_questions(&round.completeness.questions, row, q).join(", ")
            ),
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

/// The required questions left unanswered or not in the form, by title.
fn open_questions<'q>(
    columns: &[String],
    row: &CompletenessRow,
    q: &'q Questionnaire,
) -> Vec<&'q str> {
    columns
        .iter()
        .zip(&row.cells)
        .filter(|(_, c)| matches!(c, Cell::Unanswered | Cell::Missing))
        .filter_map(|(id, _)| q.questions.iter().find(|qu| &qu.id == id))
        .filter(|qu| !qu.optional)
        .map(|qu| qu.alias.as_str())
        .collect()
}

/// The conflicts, and the forms whose respondent is unknown.
fn deviations(s: &mut String, round: &Round) {
    for c in &round.conflicts {
        let _ = writeln!(
            s,
            "conflict {}: {} ({})",
            for_terminal(c.code.as_str()),
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
}
