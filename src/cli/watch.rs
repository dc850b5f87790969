//! `blankett watch`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args;

use blankett::for_terminal;
use blankett::{Event, Locks, Settings, Summary, watch};

use super::{
    EXIT_OK, EXIT_SOME_FAILED, Failure, LimitArgs, MappingArgs, lock_failure, not_a_folder,
};

/// Watch an inbox folder and convert every form dropped into it
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Watch an inbox folder where forms are dropped (by hand, by a mail \
    rule, on a file share) and convert each new or changed form once it has stopped changing \
    (a copy in progress is not a broken file). The submission goes to OUT/submissions/ (the \
    same conversion as `convert` and `batch`), the form to INBOX/processed/; a form that \
    cannot be read goes to INBOX/failed/ with a readable .error.txt beside it. Forms already \
    waiting are converted at start. After a crash or a kill and a restart, no form is lost, \
    converted twice into two results, or left half-written. A form that vanishes or changes \
    while it is read is looked at again; nothing one form does stops the watch. Files that \
    are not Word files stay in the inbox and are listed in OUT/report.json. Stop with \
    Ctrl-C.\n\n\
    One writer at a time: the watch locks OUT and INBOX; a second batch or watch on either \
    gets one line saying which process holds it, and exit code 2. With --once the exit code \
    is 1 when a form failed."
)]
pub struct WatchArgs {
    /// The inbox folder
    #[arg(value_name = "INBOX")]
    inbox: PathBuf,

    /// The output folder (made when missing)
    #[arg(long, value_name = "OUT")]
    out: PathBuf,

    /// Write OUT/round.json (the consolidated round) after every change
    #[arg(long)]
    consolidate: bool,

    #[command(flatten)]
    timing: InboxArgs,

    /// Handle the forms waiting in the inbox, then stop
    #[arg(long)]
    once: bool,

    #[command(flatten)]
    mapping: MappingArgs,

    #[command(flatten)]
    limits: LimitArgs,
}

/// How an inbox is looked at: the flags `watch` and `serve --inbox` share. Each requires the
/// inbox (in `watch` the INBOX argument, always given; in `serve` --inbox).
#[derive(Args)]
pub struct InboxArgs {
    /// Seconds a file must stay unchanged before it is read
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 2.0,
        requires = "inbox"
    )]
    settle: f64,

    /// Seconds between looks at the inbox when no change notice comes (file shares send none)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 2.0,
        requires = "inbox"
    )]
    poll: f64,

    /// Seconds a file that does not read as a package (it may still be arriving) is given,
    /// unchanged, before it is moved to failed/
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 20.0,
        requires = "inbox"
    )]
    grace: f64,
}

impl InboxArgs {
    /// The settings of a watch of `inbox` into `out` that neither consolidates nor stops
    /// once the inbox is handled.
    pub fn settings(&self, inbox: PathBuf, out: PathBuf) -> Result<Settings, Failure> {
        Ok(Settings {
            inbox,
            out,
            settle: seconds(self.settle, "--settle")?,
            poll: seconds(self.poll, "--poll")?.max(Duration::from_millis(20)),
            grace: seconds(self.grace, "--grace")?,
            consolidate: false,
            once: false,
            clock: super::now,
        })
    }
}

fn seconds(v: f64, flag: &str) -> Result<Duration, Failure> {
    if v.is_finite() && (0.0..86_400.0).contains(&v) {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(Failure::Usage(format!(
            "{flag} must be a number of seconds"
        )))
    }
}

pub fn run(args: WatchArgs) -> Result<u8, Failure> {
    let cfg = args.mapping.config(args.limits)?;
    if !args.inbox.is_dir() {
        return Err(Failure::Usage(not_a_folder(&args.inbox)));
    }
    super::out_is_a_folder(&args.out)?;
    if std::fs::canonicalize(&args.inbox).ok() == std::fs::canonicalize(&args.out).ok() {
        return Err(Failure::Usage(format!(
            "{}: the output folder cannot be the inbox; give another --out",
            args.out.display()
        )));
    }
    let settings = Settings {
        consolidate: args.consolidate,
        once: args.once,
        ..args.timing.settings(args.inbox.clone(), args.out.clone())?
    };
    let locks = Locks::acquire(&settings).map_err(lock_failure)?;
    eprintln!(
        "watch: {} → {}{}",
        for_terminal(&args.inbox.display().to_string()),
        for_terminal(&args.out.display().to_string()),
        if args.once { "" } else { " (Ctrl-C stops)" }
    );
    let stop = AtomicBool::new(false);
    let summary = watch(&cfg, &settings, &locks, &stop, &mut |e| tell(e))
        .map_err(|e| super::output_failure(&args.out, e))?;
    if args.once {
        summarize(&summary);
    }
    Ok(if args.once && summary.failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// One line per event, control characters escaped.
fn tell(e: &Event) {
    let line = match e {
        Event::Converted {
            form,
            submission,
            respondent,
        } => format!(
            "converted {form} → {submission} ({})",
            respondent.as_deref().unwrap_or("respondent unknown")
        ),
        Event::Failed { form, message } => format!("failed {form}: {message}"),
        Event::Skipped { form, reason } => format!("left alone {form}: {}", reason.describe()),
        Event::Trouble { form, message } => format!("waiting {form}: {message}; tried again later"),
        Event::Consolidated { submissions } => format!(
            "consolidated {submissions} submission{} into round.json",
            if *submissions == 1 { "" } else { "s" }
        ),
        // An event a later library adds: said as it is until this command words it.
        other => format!("{other:?}"),
    };
    eprintln!("{}", for_terminal(&line));
}

fn summarize(s: &Summary) {
    eprintln!(
        "watch: {} converted, {} failed, {} other file{} left alone",
        s.converted,
        s.failed,
        s.skipped,
        if s.skipped == 1 { "" } else { "s" }
    );
}
