//! The `blankett` command line: a thin layer over the library. Arguments are parsed into a
//! checked configuration before any work starts; each failing file gets one line on stderr and
//! the run goes on; the exit code says whether anything failed.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use blankett::{Limits, Reader};

/// Exit code: every input was converted.
const EXIT_OK: u8 = 0;
/// Exit code: some input failed; the others were still handled.
const EXIT_SOME_FAILED: u8 = 1;
/// Exit code: usage or configuration error (clap uses 2 as well).
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "blankett",
    version,
    about = "Turns returned Word forms into normalized JSON",
    long_about = "Turns returned Word forms into normalized JSON.\n\n\
        blankett reads the content controls and legacy form fields of .docx, .docm, .dotx and \
        .dotm files exactly as Word saved them: their tags, titles, types, values and visible \
        text, and whether they still show their placeholder.",
    after_help = "Exit codes: 0 every file was read, 1 some file could not be read (the others \
        were), 2 usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the content controls and form fields of Word files
    #[command(
        long_about = "List the content controls and legacy form fields of Word files.\n\n\
        For each file, a table: position, part (document, header1, footnotes …), level (block, \
        inline, row, cell; /table or /textbox where it stands there), type (nested controls are \
        indented under their parent), tag, title (alias), status (answered, placeholder, empty) \
        and the value or the start of the text. Warnings follow the table.\n\n\
        A file that cannot be read gets one line on stderr saying what is wrong and what to do; \
        the other files are still listed."
    )]
    Inspect(InspectArgs),
}

#[derive(Args)]
struct InspectArgs {
    /// Word files to read (.docx, .docm, .dotx, .dotm)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Print the full model as JSON instead of a table: one object for one file, an array for
    /// several
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    limits: LimitArgs,
}

/// Limits against hostile files; each can be raised for a trusted file.
#[derive(Args, Clone, Copy)]
struct LimitArgs {
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
}

impl LimitArgs {
    fn limits(self) -> Result<Limits, String> {
        if self.max_depth < 8 {
            return Err("--max-depth must be at least 8".into());
        }
        if self.max_ratio == 0 {
            return Err("--max-ratio must be at least 1".into());
        }
        Ok(Limits {
            max_file_bytes: self.max_file_size.saturating_mul(1 << 20),
            max_part_bytes: self.max_part_size.saturating_mul(1 << 20),
            max_ratio: self.max_ratio,
            max_entries: self.max_entries,
            max_depth: self.max_depth,
            ..Limits::default()
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(msg)) => {
            eprintln!("blankett: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
        // The reader went away (`blankett inspect … | head`): not an error.
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_OK),
        Err(Failure::Io(e)) => {
            eprintln!("blankett: cannot write the output: {e}");
            ExitCode::from(EXIT_SOME_FAILED)
        }
    }
}

enum Failure {
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

fn inspect(args: InspectArgs) -> Result<u8, Failure> {
    let limits = args.limits.limits().map_err(Failure::Usage)?;
    let mut reader = Reader::new(limits);
    let stdout = io::stdout();
    // On a terminal the table fits its width; into a file or a pipe nothing is cut.
    let width = stdout
        .is_terminal()
        .then(|| terminal_size::terminal_size().map_or(120, |(w, _)| w.0 as usize));
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut docs = Vec::new();
    for (i, path) in args.files.iter().enumerate() {
        match reader.read_path(path) {
            Ok(doc) if args.json => docs.push(doc),
            Ok(doc) => {
                if i > 0 {
                    writeln!(out)?;
                }
                out.write_all(blankett::inspect::table(&doc, width).as_bytes())?;
            }
            Err(e) => {
                out.flush()?;
                eprintln!("{e}");
                failed += 1;
            }
        }
    }
    if args.json {
        let json = if args.files.len() == 1 {
            docs.first().map(serde_json::to_string_pretty)
        } else {
            Some(serde_json::to_string_pretty(&docs))
        };
        if let Some(json) = json {
            let json = json.map_err(|e| Failure::Io(io::Error::other(e)))?;
            writeln!(out, "{json}")?;
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}
