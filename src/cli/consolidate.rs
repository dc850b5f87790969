//! `blankett consolidate`: merge the submissions of a round and write its exports. Also how
//! both `consolidate` and `status` merge their inputs ([`build_round`]).

use std::io;
use std::path::{Path, PathBuf};

use clap::Args;

use blankett::NotARoundId;
use blankett::RespondentMatcher as Matcher;
use blankett::load_submissions;
use blankett::{Questionnaire, Registry, Submission};
use blankett::{Round, RoundOptions as Options, consolidate as merge};
use blankett::{for_terminal, plural};

use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, SchemaArgs, io_failure};

/// Merge the submissions of a round and write the exports
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
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

    /// Base path of the exports (`-o out/2022-T1` writes out/2022-T1.json …); an export's own
    /// extension (`.json`, `.xlsx` …) is dropped, any other kept (`-o out/runda.v2` writes
    /// out/runda.v2.json …). The folder must exist
    #[arg(short, long, value_name = "BASE")]
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

    /// An earlier round (its output folder or round file): the Word report gets a section
    /// "Förändringar sedan …" and the spreadsheet's answers a change column
    #[arg(long, value_name = "OUT_OR_ROUND")]
    previous: Option<PathBuf>,

    #[command(flatten)]
    schemas: SchemaArgs,
}

/// Reads `--expected`: one registry id or name per line; `#` starts a comment.
pub(super) fn expected_list(path: &Path, reg: &Registry) -> Result<Vec<String>, Failure> {
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

/// Merges the inputs (output folders, submission files) into a round; also the number of files
/// that could not be read, each reported on stderr.
pub(super) fn build_round(
    inputs: &[PathBuf],
    round: Option<&str>,
    expected: Option<&Path>,
    redact: bool,
    q: &Questionnaire,
    reg: &Registry,
) -> Result<(Round, usize), Failure> {
    let opts = round_options(round, expected, redact, reg)?;
    let (subs, problems) = read_submissions(inputs)?;
    Ok((merge(subs, q, reg, &opts), problems))
}

/// A round to compare with (`compare`, `consolidate --previous`): a round file as
/// `consolidate` writes it, or output folders and submission files merged as `consolidate`
/// merges them (the round most of them name; expected, the registry's respondents of it). Also
/// the number of files that could not be read. A round without a single form is refused.
pub(super) fn read_round(
    path: &Path,
    flag: &str,
    q: &Questionnaire,
    reg: &Registry,
) -> Result<(Round, usize), Failure> {
    let shown = for_terminal(&path.display().to_string()).into_owned();
    if !path.is_dir()
        && let Some(round) = round_file(path, flag, &shown)?
    {
        return Ok((round, 0));
    }
    let (round, problems) =
        build_round(&[path.to_path_buf()], None, None, false, q, reg).map_err(|e| match e {
            Failure::Usage(m) => Failure::Usage(format!("{flag}: {m}")),
            e => e,
        })?;
    let left_out = left_out(&round);
    if round.submissions.is_empty() && round.unresolved.is_empty() {
        let why = match left_out {
            Some(what) => format!("holds {what} and nothing else"),
            None => "holds no round and no submissions".to_owned(),
        };
        return Err(Failure::Usage(format!(
            "{flag}: {shown} {why}: give an output folder of `blankett batch` or a round file \
             of `blankett consolidate`"
        )));
    }
    if let Some(what) = left_out {
        let round_id = round.round.map_or("?".to_owned(), |r| r.to_string());
        eprintln!("{flag}: {shown}: round {round_id}; left out: {what}");
    }
    Ok((round, problems))
}

/// The forms a merged round left out for answering another round or questionnaire, in words;
/// `None` when there are none.
fn left_out(round: &Round) -> Option<String> {
    use blankett::ConflictCode;
    let count = |code: ConflictCode| round.conflicts.iter().filter(|c| c.code == code).count();
    let parts: Vec<String> = [
        (count(ConflictCode::RoundMismatch), "of another round"),
        (
            count(ConflictCode::QuestionnaireMismatch),
            "of another questionnaire",
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} form{} {what}", plural(n)))
    .collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// The round in a file `consolidate` wrote; `None` when the file is no round (a submission
/// file, then). A file that looks like a round and does not read as one, and a comparison, are
/// refused saying what is wrong, not read as a submission that is not one either.
fn round_file(path: &Path, flag: &str, shown: &str) -> Result<Option<Round>, Failure> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(None);
    };
    let error = match serde_json::from_slice::<Round>(&bytes) {
        Ok(round) => return Ok(Some(round)),
        Err(e) => e,
    };
    let Ok(serde_json::Value::Object(json)) = serde_json::from_slice(&bytes) else {
        return Ok(None);
    };
    let has = |keys: &[&str]| keys.iter().all(|k| json.contains_key(*k));
    if has(&["before", "after", "summary"]) {
        return Err(Failure::Usage(format!(
            "{flag}: {shown} is a comparison (blankett compare), not a round: give a round \
             file of `blankett consolidate` or an output folder"
        )));
    }
    if has(&["completeness", "respondents"]) || has(&["areas", "submissions"]) {
        return Err(Failure::Usage(format!(
            "{flag}: {shown} is not a round file blankett can read: {error}"
        )));
    }
    Ok(None)
}

/// How to merge: `--round`, `--expected` and whether to leave the contact details out, checked.
pub(super) fn round_options(
    round: Option<&str>,
    expected: Option<&Path>,
    redact: bool,
    reg: &Registry,
) -> Result<Options, Failure> {
    let round = match round {
        Some(r) => Some(
            blankett::parse_round(r)
                .ok_or_else(|| Failure::Usage(NotARoundId(r.to_owned()).to_string()))?,
        ),
        None => None,
    };
    let expected = expected.map(|p| expected_list(p, reg)).transpose()?;
    Ok(Options {
        round,
        expected,
        redact_contact: redact,
        now: Some(super::now()),
    })
}

/// The submissions of the inputs (output folders, submission files); also the number of files
/// that are not submissions, each reported on stderr. A folder of Word forms is refused.
pub(super) fn read_submissions(inputs: &[PathBuf]) -> Result<(Vec<Submission>, usize), Failure> {
    for p in inputs {
        if !p.exists() {
            return Err(Failure::Usage(format!(
                "{}: no such file or folder",
                p.display()
            )));
        }
    }
    let (subs, problems) = load_submissions(inputs);
    if subs.is_empty() {
        refuse_an_inbox(inputs)?;
    }
    for p in &problems {
        eprintln!("{}", for_terminal(p));
    }
    Ok((subs, problems.len()))
}

/// The base the exports are named from: `-o` without an export's extension (`out/2022-T1.json`
/// → `out/2022-T1`; `out/runda.v2` stays as it is). Its folder must exist.
pub(super) fn export_base(output: &Path) -> Result<PathBuf, Failure> {
    let known = output
        .extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.parse::<blankett::Format>().is_ok());
    let base = if known {
        output.with_extension("")
    } else {
        output.to_path_buf()
    };
    // `-o out/` would name the exports `out/.json` …: hidden files nobody looks for.
    let ends_in_separator = output.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if ends_in_separator || base.file_name().is_none() {
        return Err(Failure::Usage(format!(
            "-o {}: give a base name for the exports, not a folder (e.g. -o {}/2022-T1)",
            for_terminal(&output.display().to_string()),
            for_terminal(output.display().to_string().trim_end_matches(['/', '\\']))
        )));
    }
    if let Some(dir) = base.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        let what = if dir.exists() {
            "is a file, not a folder"
        } else {
            "no such folder"
        };
        return Err(Failure::Usage(format!(
            "{}: {what} for the exports; make it first, or give another -o",
            for_terminal(&dir.display().to_string())
        )));
    }
    Ok(base)
}

/// Refuses exports that would be written over an input (`-o` naming the round file given as
/// the earlier round, say): the input would be lost.
pub(super) fn refuse_overwriting(
    base: &Path,
    formats: &[blankett::Format],
    inputs: &[&Path],
) -> Result<(), Failure> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    for f in formats {
        let path = blankett::export_path(base, *f);
        if let Some(input) = inputs.iter().find(|i| same(&path, i)) {
            return Err(Failure::Usage(format!(
                "{}: -o would write over this input; give another -o",
                for_terminal(&input.display().to_string())
            )));
        }
    }
    Ok(())
}

/// A folder of Word forms given where an output folder belongs (the inbox, say) would read as a
/// round nobody answered: refused, saying what to run first.
fn refuse_an_inbox(inputs: &[PathBuf]) -> Result<(), Failure> {
    for dir in inputs.iter().filter(|p| p.is_dir()) {
        let forms = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| blankett::skip_reason(&e.file_name().to_string_lossy()).is_none())
            .count();
        if forms > 0 {
            let dir = for_terminal(&dir.display().to_string()).into_owned();
            return Err(Failure::Usage(format!(
                "{dir} holds {forms} Word form{} and no submissions: convert them first \
                 (blankett batch {dir} --out OUT), then give OUT",
                plural(forms)
            )));
        }
    }
    Ok(())
}

pub fn run(args: ConsolidateArgs) -> Result<u8, Failure> {
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
    let base = export_base(&args.output)?;
    let mut inputs: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.previous.as_deref());
    refuse_overwriting(&base, &formats, &inputs)?;
    let (changes, problems_before) = match &args.previous {
        Some(p) => {
            let (previous, problems) = read_round(p, "--previous", &q, &reg)?;
            warn_of_previous(&previous, &round, &formats);
            let changes = blankett::compare_rounds(&previous, &round, &reg)
                .map_err(|e| Failure::Usage(format!("--previous: {e}")))?;
            (Some(changes), problems)
        }
        None => (None, 0),
    };
    let written = blankett::write_exports(
        &round,
        &q,
        &formats,
        &base,
        &blankett::ExportOptions {
            delimiter: args.delimiter as u8,
            changes,
        },
    )
    .map_err(|e| io_failure(&base, "write the exports", io::Error::other(e.to_string())))?;
    eprintln!("consolidate: {}", summary(&round, &written));
    Ok(if problems + problems_before > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// An earlier round that is not earlier, or exports that show no changes, are said on stderr:
/// the run goes on as asked.
fn warn_of_previous(previous: &Round, round: &Round, formats: &[blankett::Format]) {
    match (previous.round, round.round) {
        (Some(p), Some(r)) if p >= r => eprintln!(
            "consolidate: --previous is round {p}, not earlier than {r}: the reports say what \
             changed from {p} to {r}"
        ),
        _ => {}
    }
    let shown = [blankett::Format::Docx, blankett::Format::Xlsx];
    if !formats.iter().any(|f| shown.contains(f)) {
        eprintln!(
            "consolidate: --previous shows in the docx and xlsx exports only; for the changes \
             alone, run blankett compare"
        );
    }
}

/// What was merged and written, in one line.
fn summary(round: &Round, written: &[PathBuf]) -> String {
    let submissions = round.submissions.len();
    let respondents = round
        .respondents
        .iter()
        .filter(|r| r.source.is_some())
        .count();
    let conflicts = round.conflicts.len();
    format!(
        "{submissions} submission{} from {respondents} respondent{}, {} missing, {} superseded, {conflicts} conflict{}; wrote {}",
        plural(submissions),
        plural(respondents),
        round.missing.len(),
        round.superseded.len(),
        plural(conflicts),
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

pub(super) fn parse_formats(list: &[String]) -> Result<Vec<blankett::Format>, Failure> {
    let mut out = Vec::new();
    for f in list {
        let f: blankett::Format = f
            .trim()
            .parse()
            .map_err(|e: blankett::ExportError| Failure::Usage(e.to_string()))?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}
