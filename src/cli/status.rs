//! `blankett status`: who has answered a round and whom to remind, as text for a terminal,
//! as JSON (`--json`) or as the addresses to remind (`--emails`). Reads a round file as it is;
//! anything else is merged as `consolidate` merges it. What it knows is the library's
//! [`round_status`]; this prints it.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use blankett::{Mark, Round, Submission};
use blankett::{Questionnaire, Registry};
use blankett::{ReplyStatus, RoundStatus, StatusInputs, StatusRespondent, round_status};
use blankett::{Report, consolidate as merge, load_submissions};
use blankett::{for_terminal, plural, to_json};

use super::consolidate::{read_submissions, round_options};
use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, SchemaArgs};

/// Show who has answered a round and whom to remind
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Show the completeness matrix of a round (respondents × questions) \
    and the list of respondents to remind: those who have not answered, those whose form could \
    not be read (from the output folder's report.json, with what to ask for), and those with \
    questions unanswered, with the address to remind them at: the registry's, else the newest \
    contact e-mail of their forms (this round's, and earlier rounds' with --previous). Reads an \
    output folder of `batch`/`watch` (or submission files), or a round file written by \
    `consolidate`."
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

    /// An earlier round's output folder, for the contact addresses of its forms (repeatable)
    #[arg(long, value_name = "OUT")]
    previous: Vec<PathBuf>,

    /// Print the status as JSON (schemas/status.schema.json) instead of text
    #[arg(long, conflicts_with = "emails")]
    json: bool,

    /// Print only the addresses to remind, one a line; respondents to remind without an
    /// address are named on stderr
    #[arg(long)]
    emails: bool,

    #[command(flatten)]
    schemas: SchemaArgs,
}

pub fn run(args: StatusArgs) -> Result<u8, Failure> {
    let (q, reg) = args.schemas.load()?;
    let (round, mut earlier, mut problems) = read_round(&args, &q, &reg)?;
    let (previous, unreadable) = read_previous(&args.previous)?;
    earlier.extend(previous);
    problems += unreadable;
    let files: Vec<_> = report_folders(&args.inputs)
        .iter()
        .flat_map(|dir| Report::load(dir).files)
        .collect();
    let inputs = StatusInputs {
        files: &files,
        earlier: &earlier,
        now: super::now(),
    };
    let status = round_status(&round, &q, &reg, &inputs);
    let out = if args.json {
        to_json(&status)
    } else if args.emails {
        emails(&status).into_bytes()
    } else {
        status_text(&status, &round, &q).into_bytes()
    };
    let mut stdout = io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(if problems > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// The round; every submission read, those the round left out too (another round's forms,
/// say: their addresses still count); and how many input files could not be read. A round
/// file is read as it is; anything else is merged here.
fn read_round(
    args: &StatusArgs,
    q: &Questionnaire,
    reg: &Registry,
) -> Result<(Round, Vec<Submission>, usize), Failure> {
    if let [one] = args.inputs.as_slice()
        && one.is_file()
        && let Some(round) = std::fs::read(one)
            .ok()
            .and_then(|b| serde_json::from_slice::<Round>(&b).ok())
    {
        return Ok((round, Vec::new(), 0));
    }
    let opts = round_options(args.round.as_deref(), args.expected.as_deref(), false, reg)?;
    let (subs, problems) = read_submissions(&args.inputs)?;
    let read = subs.clone();
    Ok((merge(subs, q, reg, &opts), read, problems))
}

/// The submissions of earlier rounds' output folders, and how many files there are not
/// submissions (each named on stderr).
fn read_previous(folders: &[PathBuf]) -> Result<(Vec<Submission>, usize), Failure> {
    if let Some(p) = folders.iter().find(|p| !p.exists()) {
        return Err(Failure::Usage(format!(
            "{}: no such folder for --previous",
            for_terminal(&p.display().to_string())
        )));
    }
    let (subs, problems) = load_submissions(folders);
    for p in &problems {
        eprintln!("{}", for_terminal(p));
    }
    Ok((subs, problems.len()))
}

/// The folders whose `report.json` says which forms failed: each output folder given, and the
/// folder a round file lies in (where `consolidate -o OUT/2022-T1` puts it).
fn report_folders(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|p| {
            if p.is_dir() {
                Some(p.clone())
            } else {
                p.parent().map(Path::to_path_buf)
            }
        })
        .filter(|d| d.join("report.json").is_file())
        .collect();
    folders.dedup();
    folders
}

/// The addresses to remind, one a line; those to remind without one are named on stderr.
fn emails(status: &RoundStatus) -> String {
    let (addresses, without) = status.reminder_addresses();
    if status.round_unknown {
        eprintln!("status: round unknown: give --round to remind those who sent nothing as well");
    }
    if !without.is_empty() {
        let names: Vec<&str> = without.iter().map(|r| r.label.as_str()).collect();
        eprintln!(
            "status: no e-mail address for {} respondent{} to remind: {}",
            without.len(),
            plural(without.len()),
            for_terminal(&names.join(", "))
        );
    }
    addresses
        .iter()
        .map(|a| format!("{}\n", for_terminal(a)))
        .collect()
}

/// The completeness matrix and the reminders, as text for a terminal.
pub fn status_text(status: &RoundStatus, round: &Round, q: &Questionnaire) -> String {
    let mut s = String::new();
    headline(&mut s, status, q);
    matrix(&mut s, status);
    legend(&mut s, status, round, q);
    reminders(&mut s, status);
    deviations(&mut s, status, round);
    s
}

/// The questionnaire, the round and how many respondents are where.
fn headline(s: &mut String, status: &RoundStatus, q: &Questionnaire) {
    let n = status.counts;
    let _ = write!(
        s,
        "{} – {}: {} respondent{}, {} complete, {} incomplete, {} not submitted",
        q.title,
        status
            .round
            .map_or_else(|| "(round unknown)".to_owned(), |r| r.to_string()),
        n.respondents,
        plural(n.respondents),
        n.complete,
        n.incomplete,
        n.not_submitted,
    );
    if n.form_failed > 0 {
        let _ = write!(s, ", {} with a form that failed", n.form_failed);
    }
    s.push('\n');
    if status.round_unknown {
        s.push_str(
            "round unknown: give --round (2022-T1, 2022-T2 or 2022-VB) to see who has not answered\n",
        );
    }
}

/// The completeness matrix: a row per respondent, a numbered column per question, each cell
/// the status's symbol as every report shows it ([`Mark`]); a respondent whose form could not
/// be read is marked so in every column.
fn matrix(s: &mut String, status: &RoundStatus) {
    let width = status
        .respondents
        .iter()
        .map(|r| for_terminal(&r.label).chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = write!(s, "\n{:width$}", "");
    for i in 0..status.questions.len() {
        let _ = write!(s, " {:>2}", i + 1);
    }
    s.push('\n');
    for r in &status.respondents {
        let _ = write!(s, "{:width$}", for_terminal(&r.label));
        for c in &r.cells {
            let mark = match r.status {
                ReplyStatus::FormFailed => Mark::FormFailed,
                _ => Mark::from(*c),
            };
            let _ = write!(s, "  {}", mark.symbol());
        }
        s.push('\n');
    }
}

/// What the marks mean (the form that could not be read only when there is one), and which
/// question each column is.
fn legend(s: &mut String, status: &RoundStatus, round: &Round, q: &Questionnaire) {
    let _ = writeln!(s, "\n{}", Mark::legend(&Mark::MATRIX, "   "));
    if status.counts.form_failed > 0 {
        // On a line of its own: the five would not fit a terminal's 80 columns.
        let _ = writeln!(s, "{}", Mark::legend(&[Mark::FormFailed], ""));
    }
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
fn reminders(s: &mut String, status: &RoundStatus) {
    let remind: Vec<&StatusRespondent> = status.respondents.iter().filter(|r| r.remind).collect();
    if remind.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nTo remind:");
    for r in remind {
        let what = match r.status {
            ReplyStatus::NotSubmitted => "no form".to_owned(),
            ReplyStatus::FormFailed => r
                .failed_forms
                .iter()
                .map(|f| format!("form failed: {} ({})", f.reason, f.path))
                .collect::<Vec<_>>()
                .join("; "),
            _ => format!("not answered: {}", open_questions(status, r).join(", ")),
        };
        let _ = writeln!(
            s,
            "  {}: {}; {}",
            for_terminal(&r.label),
            for_terminal(&what),
            for_terminal(&address(r))
        );
    }
}

/// The required questions a respondent's form leaves open, by label.
fn open_questions<'s>(status: &'s RoundStatus, r: &StatusRespondent) -> Vec<&'s str> {
    r.open
        .iter()
        .filter_map(|o| status.questions.iter().find(|q| q.id == o.question_id))
        .map(|q| q.label.as_str())
        .collect()
}

/// Where to remind a respondent; an address from a form other than the one the answers come
/// from says which.
fn address(r: &StatusRespondent) -> String {
    let Some(a) = &r.address else {
        return "(no e-mail address known)".into();
    };
    let current = r.source.as_ref().map(|s| s.sha256.as_str());
    match &a.submission {
        Some(from) if Some(from.sha256.as_str()) != current => format!(
            "{} (from {})",
            a.email,
            from.file.as_deref().unwrap_or(&from.sha256)
        ),
        _ => a.email.clone(),
    }
}

/// The conflicts, the forms whose respondent is unknown, and the failed forms that name no
/// respondent.
fn deviations(s: &mut String, status: &RoundStatus, round: &Round) {
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
    for f in &status.unattributed {
        let _ = writeln!(
            s,
            "form failed, respondent unknown: {}: {}",
            for_terminal(&f.path),
            for_terminal(&f.reason)
        );
    }
}
