//! `blankett watch`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args;

use blankett::watch::{Event, Settings, watch};

use super::{EXIT_OK, Failure, LimitArgs, MappingArgs, io_failure};

/// Watch an inbox folder and convert every form dropped into it
#[derive(Args)]
#[command(
    long_about = "Watch an inbox folder where forms are dropped (by hand, by a mail \
    rule, on a file share) and convert each new or changed form once it has stopped changing \
    (a copy in progress is not a broken file). The submission goes to OUT/submissions/ (the \
    same conversion as `convert` and `batch`), the form to INBOX/processed/; a form that \
    cannot be read goes to INBOX/failed/ with a readable .error.txt beside it. Forms already \
    waiting are converted at start. After a crash or a kill and a restart, no form is lost, \
    converted twice into two results, or left half-written. Stop with Ctrl-C."
)]
pub struct WatchArgs {
    /// The inbox folder
    #[arg(value_name = "INBOX")]
    inbox: PathBuf,

    /// The output folder
    #[arg(long, value_name = "OUT")]
    out: PathBuf,

    /// Write OUT/round.json (the consolidated round) after every change
    #[arg(long)]
    consolidate: bool,

    /// Seconds a file must stay unchanged before it is read
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    settle: f64,

    /// Seconds between looks at the inbox when no change notice comes (file shares send none)
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    poll: f64,

    /// Seconds a file that does not read as a package (it may still be arriving) is given,
    /// unchanged, before it is moved to failed/
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0)]
    grace: f64,

    /// Handle the forms waiting in the inbox, then stop
    #[arg(long)]
    once: bool,

    #[command(flatten)]
    mapping: MappingArgs,

    #[command(flatten)]
    limits: LimitArgs,
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
        return Err(Failure::Usage(format!(
            "{}: no such folder",
            args.inbox.display()
        )));
    }
    let settings = Settings {
        inbox: args.inbox.clone(),
        out: args.out.clone(),
        settle: seconds(args.settle, "--settle")?,
        poll: seconds(args.poll, "--poll")?.max(Duration::from_millis(20)),
        grace: seconds(args.grace, "--grace")?,
        consolidate: args.consolidate,
        once: args.once,
    };
    eprintln!(
        "watch: {} → {} (Ctrl-C stops)",
        args.inbox.display(),
        args.out.display()
    );
    let stop = AtomicBool::new(false);
    watch(&cfg, &settings, &stop, &mut |e| match e {
        Event::Converted {
            form,
            submission,
            respondent,
        } => eprintln!(
            "converted {form} → {submission} ({})",
            respondent.as_deref().unwrap_or("respondent unknown")
        ),
        Event::Failed { form, message } => eprintln!("failed {form}: {message}"),
        Event::Consolidated { submissions } => {
            eprintln!("consolidated {submissions} submissions into round.json")
        }
    })
    .map_err(|e| io_failure(&args.out, "write the output", e))?;
    Ok(EXIT_OK)
}
