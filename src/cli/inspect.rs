//! `blankett inspect`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use blankett::Reader;

use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, LimitArgs};

/// List the content controls and form fields of Word files
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "List the content controls and legacy form fields of Word files.\n\n\
    For each file, a table: position, part (document, header1, footnotes …), level (block, \
    inline, row, cell; /table or /textbox where it stands there), type (nested controls are \
    indented under their parent), tag, title (alias), status (answered, placeholder, empty) \
    and the value or the start of the text. Warnings follow the table.\n\n\
    A file that cannot be read gets one line on stderr saying what is wrong and what to do; \
    the other files are still listed."
)]
pub struct InspectArgs {
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

pub fn run(args: InspectArgs) -> Result<u8, Failure> {
    let limits = args.limits.limits()?;
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
                out.write_all(blankett::inspect_table(&doc, width).as_bytes())?;
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
