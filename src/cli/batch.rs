//! `blankett batch`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use blankett::RunOptions;
use blankett::for_terminal;
use blankett::{FileStatus, Report, SkipReason};

use super::{
    EXIT_OK, EXIT_SOME_FAILED, Failure, LimitArgs, MappingArgs, io_failure, lock_failure,
    not_a_folder, out_is_a_folder,
};

/// Convert every form in a folder
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Convert every form under a folder (and its subfolders) into OUT: one \
    submission per form in OUT/submissions/, named after the form's file (plus a short hash, \
    so names never collide), each written whole or not at all; a report of the run in \
    OUT/report.json and a short summary on stderr, naming every file that failed and why.\n\n\
    Word files (.docx, .docm, .dotx, .dotm) are read, and so are the files people send by \
    mistake (.doc, .rtf, .odt, .pdf), to say what to ask for instead; everything else (Word's \
    lock files ~$…, hidden and temporary files, symbolic links, other extensions) is left \
    alone and listed in OUT/report.json with the reason. A bad file never stops the run; the \
    exit code is 1 when any file failed. Forms converted by an earlier run into the same OUT, \
    and unchanged since (same content, same options), are not converted again unless \
    --force; submissions of forms no longer in DIR are removed (never those `watch` wrote).\n\n\
    One writer at a time: while a batch or a watch writes OUT, another gets one line saying \
    which process holds it, and exit code 2."
)]
pub struct BatchArgs {
    /// The folder the returned forms are in
    #[arg(value_name = "DIR")]
    dir: PathBuf,

    /// The output folder (made when missing)
    #[arg(long, value_name = "OUT")]
    out: PathBuf,

    /// Threads to convert with (default: all cores)
    #[arg(long, short, value_name = "N")]
    jobs: Option<usize>,

    /// Convert every form again, changed or not
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    mapping: MappingArgs,

    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: BatchArgs) -> Result<u8, Failure> {
    let cfg = args.mapping.config(args.limits)?;
    check_folders(&args)?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if jobs == 0 {
        return Err(Failure::Usage("--jobs must be at least 1".into()));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| io_failure(&args.out, "make the output folder", e))?;
    let lock = blankett::lock_folder(&args.out, "batch").map_err(lock_failure)?;
    let bar = progress_bar();
    let opts = RunOptions {
        jobs,
        force: args.force,
        now: super::now(),
    };
    let report = blankett::run_batch(
        &args.dir,
        &args.out,
        &cfg,
        opts,
        &lock,
        &|f| {
            bar.inc(1);
            bar.set_message(for_terminal(&f.path).into_owned());
        },
        &|n| bar.set_length(n as u64),
    )
    .map_err(|e| super::output_failure(&args.out, e))?;
    bar.finish_and_clear();
    summarize(&report);
    Ok(if report.failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// The input must be a folder, and not the output folder (whose files are no forms).
fn check_folders(args: &BatchArgs) -> Result<(), Failure> {
    if !args.dir.is_dir() {
        return Err(Failure::Usage(not_a_folder(&args.dir)));
    }
    out_is_a_folder(&args.out)?;
    let same = std::fs::canonicalize(&args.dir).ok() == std::fs::canonicalize(&args.out).ok();
    if same {
        return Err(Failure::Usage(format!(
            "{}: the output folder cannot be the folder the forms are in; give another --out",
            args.out.display()
        )));
    }
    Ok(())
}

fn progress_bar() -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} forms {elapsed} {wide_msg}")
                .expect("a valid progress template"),
        );
        b
    } else {
        ProgressBar::hidden()
    }
}

/// One line per failed file, then the counts.
fn summarize(report: &Report) {
    for f in report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Failed)
    {
        if let Some(e) = &f.error {
            eprintln!("{}", for_terminal(&e.message));
        }
    }
    let total = report.files.len();
    let excluded = report
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::Excluded)
        .count();
    let skipped = report.skipped.len() - excluded;
    eprintln!(
        "batch: {total} file{}: {} converted, {} unchanged, {} failed{}{}{}",
        if total == 1 { "" } else { "s" },
        report.converted,
        report.unchanged,
        report.failed,
        if report.removed.is_empty() {
            String::new()
        } else {
            format!(
                "; {} submission{} of forms no longer there removed",
                report.removed.len(),
                if report.removed.len() == 1 { "" } else { "s" }
            )
        },
        if excluded == 0 {
            String::new()
        } else {
            format!(
                "; {excluded} form{} excluded by the analyst (blankett assign --list)",
                if excluded == 1 { "" } else { "s" }
            )
        },
        if skipped == 0 {
            String::new()
        } else {
            format!(
                "; {skipped} other file{} left alone (listed in report.json)",
                if skipped == 1 { "" } else { "s" }
            )
        }
    );
}
