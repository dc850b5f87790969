//! `blankett sendout`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use blankett::{AddressFrom, ExportOptions, NotARoundId, Round, Sendout, SendoutError};
use blankett::{MAILING_LIST, SendoutOptions, Submission, for_terminal, load_submissions, plural};

use super::consolidate::expected_list;
use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, SchemaArgs, an_output_folder, out_is_a_folder};

/// Write a round's forms, one per respondent, and the list to mail them from
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Write the forms of a round into a folder, one per expected respondent (the \
    registry's respondents of the variant that exist at the round's end, or those --expected \
    names), named for people: `Uppföljningsrapport näringsliv 2022-T2 - Östermalms \
    stadsdelsnämnd.docx`. Each is the template of its variant for the round (as `blankett \
    template --round` writes it: the period locked, the deadline and how to send the form \
    back) with the respondent's official name in its committee field.\n\n\
    Each form keeps its identity (questionnaire, version, variant, respondent, round, form \
    id) in its document properties and in a custom XML part; a returned form is known by it \
    (`resolvedBy: \"identity\"`) whatever its file is called, and where its committee field or \
    file name names another respondent, the submission says so (`respondent-conflict`).\n\n\
    With --prefill, each form starts with its respondent's answers from the earlier round, \
    as text to update; an answer returned unchanged is marked `carriedOver` (warning \
    `unchanged-from-previous`).\n\n\
    OUT/utskick.csv lists respondent, address (the registry's, else the newest contact \
    address of the respondent's earlier forms: --prefill's and --previous's) and file, for a \
    mail tool; blankett sends no mail. OUT must be new or empty, unless --force."
)]
pub struct SendoutArgs {
    /// The round the forms are for (2022-T2)
    #[arg(long, value_name = "ROUND", required = true)]
    round: String,

    /// Only the respondents of this variant (default: every variant, each respondent the one
    /// for its kind)
    #[arg(long, value_name = "ID")]
    variant: Option<String>,

    /// Who gets a form: a file with one registry id or name per line, as `consolidate
    /// --expected` reads it
    #[arg(long, value_name = "FILE")]
    expected: Option<PathBuf>,

    /// The earlier round's output folder (or its round file): each form starts with its
    /// respondent's answers from there
    #[arg(long, value_name = "OUT")]
    prefill: Option<PathBuf>,

    /// An earlier round's output folder, for the contact addresses of its forms (repeatable)
    #[arg(long, value_name = "OUT")]
    previous: Vec<PathBuf>,

    /// The last day to send the form back, instead of the questionnaire's deadline for the round
    #[arg(long, value_name = "YYYY-MM-DD")]
    deadline: Option<String>,

    /// The folder to write the forms and utskick.csv into (made when missing)
    #[arg(long, value_name = "OUT", required = true)]
    out: PathBuf,

    /// Write into a folder that holds files already: forms of the same name and utskick.csv
    /// are replaced, other files left alone
    #[arg(long)]
    force: bool,

    /// utskick.csv's field delimiter; `;` for Excel with a Swedish locale (then a byte order
    /// mark is written, and fields that start like a formula get a leading `'`)
    #[arg(long, value_name = "CHAR", default_value = ",")]
    delimiter: char,

    #[command(flatten)]
    schemas: SchemaArgs,
}

pub fn run(args: SendoutArgs) -> Result<u8, Failure> {
    let (q, reg) = args.schemas.load()?;
    if !args.delimiter.is_ascii() {
        return Err(Failure::Usage(
            "--delimiter must be one ASCII character".into(),
        ));
    }
    out_is_a_folder(&args.out)?;
    let round = blankett::parse_round(&args.round)
        .ok_or_else(|| Failure::Usage(NotARoundId(args.round.clone()).to_string()))?;
    let mut opts = SendoutOptions::new(round);
    opts.variant = args.variant.clone();
    opts.deadline = args.deadline.clone();
    opts.expected = args
        .expected
        .as_deref()
        .map(|p| expected_list(p, &reg))
        .transpose()?;
    let mut unreadable = 0;
    if let Some(p) = &args.prefill {
        let (forms, problems) = earlier_forms(p, "--prefill")?;
        opts.prefill = forms;
        unreadable += problems;
    }
    for p in &args.previous {
        let (forms, problems) = earlier_forms(p, "--previous")?;
        opts.contacts.extend(forms);
        unreadable += problems;
    }
    let sendout = blankett::plan_sendout(&q, &reg, &opts).map_err(usage)?;
    if args.deadline.is_none() && q.deadline(round).is_none() {
        eprintln!(
            "blankett: the questionnaire has no deadline for {round}: the forms say none; give it with --deadline"
        );
    }
    let bar = progress_bar(sendout.forms.len());
    let csv = ExportOptions {
        delimiter: args.delimiter as u8,
        ..Default::default()
    };
    sendout
        .write(&q, &args.out, (args.force, &csv), &|f| {
            bar.inc(1);
            bar.set_message(for_terminal(&f.file).into_owned());
        })
        .map_err(|e| match e {
            SendoutError::Io { .. } => Failure::Io(std::io::Error::other(e.to_string())),
            e => usage(e),
        })?;
    bar.finish_and_clear();
    summarize(&sendout, &args.out, args.prefill.is_some());
    Ok(if unreadable > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

fn usage(e: SendoutError) -> Failure {
    Failure::Usage(e.to_string())
}

/// The submissions of an earlier round: an output folder's, or those of a round file or a
/// submission file; also how many files there are not submissions (each named on stderr).
fn earlier_forms(path: &Path, flag: &str) -> Result<(Vec<Submission>, usize), Failure> {
    let shown = for_terminal(&path.display().to_string()).into_owned();
    if path.is_dir() {
        an_output_folder(path)?;
    } else if !path.is_file() {
        return Err(Failure::Usage(format!(
            "{shown}: no such file or folder for {flag}"
        )));
    } else if let Some(round) = std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Round>(&b).ok())
    {
        return Ok((round.submissions, 0));
    }
    let (forms, problems) = load_submissions(&[path.to_path_buf()]);
    for p in &problems {
        eprintln!("{}", for_terminal(p));
    }
    Ok((forms, problems.len()))
}

fn progress_bar(forms: usize) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(forms as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} forms {elapsed} {wide_msg}")
                .expect("a valid progress template"),
        );
        b
    } else {
        ProgressBar::hidden()
    }
}

/// What was written, and whom utskick.csv has no address for.
fn summarize(sendout: &Sendout, out: &Path, prefill: bool) {
    let n = sendout.forms.len();
    let prefilled = sendout
        .forms
        .iter()
        .filter(|f| !f.answers.is_empty())
        .count();
    let from = |kind: AddressFrom| {
        let count = |f: &&blankett::SendoutForm| f.address.as_ref().is_some_and(|a| a.from == kind);
        sendout.forms.iter().filter(count).count()
    };
    let without: Vec<&str> = sendout
        .forms
        .iter()
        .filter(|f| f.address.is_none())
        .map(|f| f.respondent.name.as_str())
        .collect();
    let out = for_terminal(&out.display().to_string()).into_owned();
    eprintln!(
        "sendout: {n} form{} for {} in {out}{}",
        plural(n),
        sendout.round,
        if prefill {
            format!(", {prefilled} prefilled from the earlier round")
        } else {
            String::new()
        }
    );
    eprintln!(
        "{MAILING_LIST}: {} address{} from the registry, {} from earlier forms, {} without",
        from(AddressFrom::Registry),
        if from(AddressFrom::Registry) == 1 {
            ""
        } else {
            "es"
        },
        from(AddressFrom::Submission),
        without.len()
    );
    for name in without {
        eprintln!("  no address for {}", for_terminal(name));
    }
}
