//! `blankett compare`: what changed between two rounds.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use blankett::{Comparison, Format, Round, compare_rounds, for_terminal, plural};

use super::consolidate::{export_base, parse_formats, read_round, refuse_overwriting};
use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, SchemaArgs, io_failure};

/// Say what changed between two rounds: answer by answer, word by word
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Compare two rounds of the same questionnaire, the earlier first: for each \
    respondent and question whether the answer is new, changed (with the words removed and \
    the words added), unchanged, removed, or unanswered in both; and which respondents \
    appeared or disappeared between the rounds, with the registry's mergers and renamings \
    between them (a renamed committee's answers are compared across its two names).\n\n\
    Each round is an output folder of `batch` or `watch` (merged as `consolidate` merges it) \
    or a round file `consolidate` wrote. Forms whose respondent is unknown are counted, not \
    compared. Two answers that differ only in white space are the same.\n\n\
    --format writes the exports next to the -o base: json (schemas/compare.schema.json), xlsx \
    (a row per respondent and question, with the status and both texts), md and docx (the \
    changed answers with the removed words struck through and the added ones marked). \
    Without -o, the one format asked for (json by default) goes to standard output."
)]
pub struct CompareArgs {
    /// The earlier round: an output folder of `batch`/`watch`, or a round file
    #[arg(value_name = "BEFORE")]
    before: PathBuf,

    /// The later round: an output folder of `batch`/`watch`, or a round file
    #[arg(value_name = "AFTER")]
    after: PathBuf,

    /// Base path of the exports (`-o out/T1-T2` writes out/T1-T2.json …); the folder must exist
    #[arg(short, long, value_name = "BASE")]
    output: Option<PathBuf>,

    /// Exports to write, comma-separated: json, xlsx, md, docx
    #[arg(
        long,
        value_name = "FORMATS",
        default_value = "json",
        value_delimiter = ','
    )]
    format: Vec<String>,

    #[command(flatten)]
    schemas: SchemaArgs,
}

pub fn run(args: CompareArgs) -> Result<u8, Failure> {
    let (q, reg) = args.schemas.load()?;
    let formats = compare_formats(&args.format)?;
    if args.output.is_none() && formats.len() > 1 {
        return Err(Failure::Usage(
            "more than one format needs -o BASE to name the files; without -o one format \
             goes to standard output"
                .into(),
        ));
    }
    let binary = matches!(formats[0], Format::Xlsx | Format::Docx);
    if args.output.is_none() && binary && io::stdout().is_terminal() {
        return Err(Failure::Usage(format!(
            "a {} file is no text for the terminal: give -o BASE, or send it to a file (> fil.{})",
            formats[0],
            formats[0].extension()
        )));
    }
    let base = match &args.output {
        Some(output) => {
            let base = export_base(output)?;
            refuse_overwriting(&base, &formats, &[&args.before, &args.after])?;
            Some(base)
        }
        None => None,
    };
    let (before, problems_before) = read_round(&args.before, "BEFORE", &q, &reg)?;
    let (after, problems_after) = read_round(&args.after, "AFTER", &q, &reg)?;
    warn_of_order(&before, &after);
    let changes =
        compare_rounds(&before, &after, &reg).map_err(|e| Failure::Usage(e.to_string()))?;
    let written = match &base {
        Some(base) => blankett::write_comparison(&changes, &formats, base)
            .map_err(|e| io_failure(base, "write the exports", io::Error::other(e.to_string())))?,
        None => {
            let bytes = blankett::comparison_bytes(&changes, formats[0])
                .map_err(|e| Failure::Io(io::Error::other(e.to_string())))?;
            let mut out = io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
            Vec::new()
        }
    };
    eprintln!("compare: {}", summary(&changes, &written));
    Ok(if problems_before + problems_after > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// The formats asked for, each once; CSV is refused, saying which there are.
fn compare_formats(list: &[String]) -> Result<Vec<Format>, Failure> {
    let formats = parse_formats(list)?;
    if formats.contains(&Format::Csv) {
        return Err(Failure::Usage(
            "a comparison is written as json, xlsx, md or docx, not csv (the xlsx has a row \
             per respondent and question)"
                .into(),
        ));
    }
    Ok(formats)
}

/// Rounds given the wrong way round, or the same round twice, are compared as given, with a
/// line saying so.
fn warn_of_order(before: &Round, after: &Round) {
    match (before.round, after.round) {
        (Some(a), Some(b)) if a > b => eprintln!(
            "compare: BEFORE is {a}, later than AFTER {b}: what changed is read from {a} to {b}; \
             give the earlier round first"
        ),
        (Some(a), Some(b)) if a == b => {
            eprintln!("compare: both are round {a}: compared with each other all the same");
        }
        _ => {}
    }
}

/// What was compared and written, in one line.
fn summary(c: &Comparison, written: &[PathBuf]) -> String {
    let round = |r: Option<blankett::RoundId>| r.map_or("?".to_owned(), |r| r.to_string());
    let s = &c.summary;
    let mut line = format!(
        "{} → {}: {} respondent{} in both, {} appeared, {} disappeared; answers {} changed, {} new, {} removed, {} unchanged",
        round(c.before.round),
        round(c.after.round),
        s.in_both,
        plural(s.in_both),
        s.appeared,
        s.disappeared,
        s.changed,
        s.new,
        s.removed,
        s.unchanged,
    );
    let unresolved = c.before.unresolved + c.after.unresolved;
    if unresolved > 0 {
        line.push_str(&format!(
            "; {unresolved} form{} of unknown respondents not compared",
            plural(unresolved)
        ));
    }
    if !written.is_empty() {
        let files: Vec<String> = written
            .iter()
            .map(|p| for_terminal(&p.display().to_string()).into_owned())
            .collect();
        line.push_str(&format!("; wrote {}", files.join(", ")));
    }
    line
}
