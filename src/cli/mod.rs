//! The `blankett` command line: a thin layer over the library. Arguments are parsed in two
//! steps, raw flags (clap) then a checked configuration, before any work starts; each failing
//! file gets one line on stderr and the run goes on; the exit code says whether anything failed.

mod assign;
mod batch;
mod compare;
mod consolidate;
mod convert;
mod inspect;
mod redact;
mod schema;
mod sendout;
#[cfg(feature = "serve")]
mod serve;
mod status;
mod template;
mod watch;

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use blankett::Limits;
use blankett::{Config, Overrides};
use blankett::{Questionnaire, Registry};

/// What every command's `--help` says of output flags, so that one convention holds across
/// commands: `--out` is always a folder, `-o` always a file or a base name.
macro_rules! output_flags {
    () => {
        "Output flags are the same in every command: --out OUT names a folder (made when \
         missing: batch, watch, sendout); -o FILE names a file (convert, template) or the base name the \
         exports are named from (consolidate). A command without either writes to standard \
         output."
    };
}
pub(crate) use output_flags;

/// Exit code: every input was converted.
pub const EXIT_OK: u8 = 0;
/// Exit code: some input failed; the others were still handled.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit code: usage or configuration error (clap uses 2 as well).
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "blankett",
    version,
    about = "Turns returned Word forms into normalized JSON",
    long_about = "Turns returned Word forms into normalized JSON.\n\n\
        blankett reads the content controls and legacy form fields of .docx, .docm, .dotx and \
        .dotm files exactly as Word saved them, maps them to the questions of a questionnaire, \
        and merges a reporting round into one dataset with the exports people use.\n\n\
        A round: `blankett batch INBOX --out OUT` converts every form in a folder, \
        `blankett consolidate OUT -o OUT/2022-T1 --format json,xlsx,docx` merges them, \
        `blankett status OUT` says who has answered.",
    after_help = concat!(
        "Exit codes: 0 everything was done, 1 some file could not be read or written \
         (the others were), 2 usage or configuration error.\n\n",
        output_flags!()
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Inspect(inspect::InspectArgs),
    Convert(convert::ConvertArgs),
    Batch(batch::BatchArgs),
    Watch(watch::WatchArgs),
    Consolidate(consolidate::ConsolidateArgs),
    Compare(compare::CompareArgs),
    Status(status::StatusArgs),
    Template(template::TemplateArgs),
    Sendout(sendout::SendoutArgs),
    Assign(assign::AssignArgs),
    Redact(redact::RedactArgs),
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Work with questionnaire and registry files
    #[command(subcommand, after_help = output_flags!())]
    Schema(schema::SchemaCommand),
}

pub fn main() -> ExitCode {
    quiet_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Consolidate(args) => consolidate::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Status(args) => status::run(args),
        Command::Template(args) => template::run(args),
        Command::Sendout(args) => sendout::run(args),
        Command::Assign(args) => assign::run(args),
        Command::Redact(args) => redact::run(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args),
        Command::Schema(cmd) => schema::run(cmd),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(msg)) => {
            eprintln!("blankett: {}", blankett::for_terminal(&msg));
            ExitCode::from(EXIT_USAGE)
        }
        // The reader went away (`blankett inspect … | head`): not an error.
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_OK),
        Err(Failure::Io(e)) => {
            eprintln!("blankett: {}", blankett::for_terminal(&e.to_string()));
            ExitCode::from(EXIT_SOME_FAILED)
        }
    }
}

/// A panic inside a form's conversion becomes that form's `internal-error`; what reaches the
/// terminal is one line, not a backtrace note.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic with no message");
        eprintln!(
            "blankett: internal error{at}: {} (please report it)",
            blankett::for_terminal(what)
        );
    }));
}

/// The time of a run. `BLANKETT_NOW` (RFC 3339) sets it, for tests of what depends on it
/// (saved dates after the conversion).
pub fn now() -> std::time::SystemTime {
    std::env::var("BLANKETT_NOW")
        .ok()
        .and_then(|v| v.parse::<jiff::Timestamp>().ok())
        .map_or_else(std::time::SystemTime::now, std::time::SystemTime::from)
}

/// A second writer on a folder: it waits for nothing and says who holds it.
pub fn lock_failure(e: blankett::LockError) -> Failure {
    match e {
        blankett::LockError::Held { .. } => Failure::Usage(e.to_string()),
        _ => Failure::Io(io::Error::other(e.to_string())),
    }
}

pub enum Failure {
    Usage(String),
    BrokenPipe,
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Io(e)
        }
    }
}

/// An I/O error on a named path, worded the project's way.
pub fn io_failure(path: &std::path::Path, what: &str, e: io::Error) -> Failure {
    Failure::Io(io::Error::new(
        e.kind(),
        format!("{}: cannot {what}: {}", path.display(), os_words(path, &e)),
    ))
}

/// Why a path given for a folder of forms is not one: missing, or a single form (which
/// `convert` reads).
pub fn not_a_folder(path: &std::path::Path) -> String {
    let shown = blankett::for_terminal(&path.display().to_string()).into_owned();
    if path.is_file() {
        format!("{shown} is a file, not a folder; convert one form with: blankett convert {shown}")
    } else {
        format!("{shown}: no such folder")
    }
}

/// Writes lines to stdout, control characters escaped; a reader gone away
/// (`blankett redact ut | head`) is no error.
pub fn print_lines<S: AsRef<str>>(lines: &[S]) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = io::stdout().lock();
    for line in lines {
        writeln!(out, "{}", blankett::for_terminal(line.as_ref()))?;
    }
    out.flush()?;
    Ok(())
}

/// A failure writing an output folder: one that cannot be read for what it must hold (the
/// analyst's decisions) is a configuration error, worded by the library; others are the
/// system's.
pub fn output_failure(out: &std::path::Path, e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::InvalidData {
        Failure::Usage(e.to_string())
    } else {
        io_failure(out, "write the output", e)
    }
}

/// A folder `batch` or `watch` wrote: it holds `submissions/` or `index.json`.
pub fn an_output_folder(out: &std::path::Path) -> Result<(), Failure> {
    let shown = blankett::for_terminal(&out.display().to_string()).into_owned();
    if !out.is_dir() {
        return Err(Failure::Usage(format!("{shown}: no such folder")));
    }
    if !out.join(blankett::SUBMISSIONS).is_dir() && !out.join("index.json").is_file() {
        return Err(Failure::Usage(format!(
            "{shown} is not an output folder of blankett (it holds no submissions/ nor index.json); give the folder batch or watch wrote (their --out)"
        )));
    }
    Ok(())
}

/// `--out` must be a folder, or not exist yet (it is made).
pub fn out_is_a_folder(out: &std::path::Path) -> Result<(), Failure> {
    if out.exists() && !out.is_dir() {
        return Err(Failure::Usage(format!(
            "{}: not a folder; give a folder for --out (it is made when missing)",
            blankett::for_terminal(&out.display().to_string())
        )));
    }
    Ok(())
}

/// What went wrong, in the words a user can act on: a missing folder named as such, the
/// system's words otherwise (first letter lower-cased, paths kept as they are).
fn os_words(path: &std::path::Path, e: &io::Error) -> String {
    let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
    if e.kind() == io::ErrorKind::NotFound
        && let Some(dir) = folder.filter(|d| !d.exists())
    {
        return format!("the folder {} does not exist", dir.display());
    }
    if let Some(dir) = folder.filter(|d| d.is_file()) {
        return format!("{} is a file, not a folder", dir.display());
    }
    let text = e.to_string();
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Limits against hostile files; each can be raised for a trusted file.
#[derive(Args, Clone, Copy)]
pub struct LimitArgs {
    /// Largest file accepted, in MiB
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_file_bytes >> 20)]
    max_file_size: u64,

    /// Largest size one part of the package may inflate to, in MiB
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_part_bytes >> 20)]
    max_part_size: u64,

    /// Highest compression ratio accepted for a part over 1 MiB (zip bomb guard)
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_ratio)]
    max_ratio: u64,

    /// Most entries the zip package may hold
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_entries)]
    max_entries: usize,

    /// Deepest XML element nesting accepted
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    max_depth: usize,

    /// Most bytes all parts of one form may inflate to together, in MiB; also bounds the text
    /// its controls hold (counted for each control holding it)
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_total_bytes >> 20)]
    max_total_size: u64,

    /// Most content controls and legacy form fields one form may hold
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_controls)]
    max_controls: usize,

    /// Most XML elements one form may hold, across all its parts
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_elements)]
    max_elements: u64,
}

impl LimitArgs {
    pub fn limits(self) -> Result<Limits, Failure> {
        if self.max_depth < 8 {
            return Err(Failure::Usage("--max-depth must be at least 8".into()));
        }
        if self.max_ratio == 0 {
            return Err(Failure::Usage("--max-ratio must be at least 1".into()));
        }
        Ok(Limits {
            max_file_bytes: self.max_file_size.saturating_mul(1 << 20),
            max_part_bytes: self.max_part_size.saturating_mul(1 << 20),
            max_ratio: self.max_ratio,
            max_entries: self.max_entries,
            max_depth: self.max_depth,
            max_total_bytes: self.max_total_size.saturating_mul(1 << 20),
            max_controls: self.max_controls,
            max_elements: self.max_elements,
            ..Limits::default()
        })
    }
}

/// The questionnaire and the registry.
#[derive(Args, Clone)]
pub struct SchemaArgs {
    /// Questionnaire file (default: the built-in naringsliv-uppfoljning 2022)
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,

    /// Registry of respondents (default: the built-in Stockholm registry)
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
}

impl SchemaArgs {
    pub fn load(&self) -> Result<(Questionnaire, Registry), Failure> {
        let q = match &self.schema {
            Some(p) => Questionnaire::load(p).map_err(|e| Failure::Usage(e.to_string()))?,
            None => Questionnaire::builtin(),
        };
        let r = match &self.registry {
            Some(p) => Registry::load(p).map_err(|e| Failure::Usage(e.to_string()))?,
            None => Registry::builtin(),
        };
        Ok((q, r))
    }
}

/// How forms are mapped to the questionnaire.
#[derive(Args, Clone)]
pub struct MappingArgs {
    #[command(flatten)]
    schemas: SchemaArgs,

    /// Template variant, instead of detecting it from the questions the form holds
    #[arg(long, value_name = "ID")]
    variant: Option<String>,

    /// Reporting round (2022-T1, 2022-T2, 2022-VB), instead of reading it from the form or its
    /// folder or file name
    #[arg(long, value_name = "ROUND")]
    round: Option<String>,

    /// Respondent (registry id or name), instead of reading it from the form or its file name
    #[arg(long, value_name = "ID|NAME")]
    respondent: Option<String>,

    /// Leave the contact details (personal data) out
    #[arg(long)]
    redact_contact: bool,
}

impl MappingArgs {
    /// The checked configuration of a conversion.
    pub fn config(&self, limits: LimitArgs) -> Result<Config, Failure> {
        let limits = limits.limits()?;
        let (questionnaire, registry) = self.schemas.load()?;
        Config::new(
            limits,
            questionnaire,
            registry,
            Overrides {
                variant: self.variant.clone(),
                round: self.round.clone(),
                respondent: self.respondent.clone(),
                redact_contact: self.redact_contact,
            },
        )
        .map_err(|e| Failure::Usage(e.to_string()))
    }
}
