//! `blankett schema check`.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Subcommand;

use super::{EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, Failure};

#[derive(Subcommand)]
pub enum SchemaCommand {
    /// Check questionnaire or registry files and say what is wrong
    #[command(
        after_help = super::output_flags!(),
        long_about = "Check questionnaire or registry files (schemas/README.md describes \
        both formats), in one pass: their shape against the format's JSON Schema, and what a \
        schema cannot say: unique ids, stable ASCII ids, variants and areas that exist, tags \
        and titles that say one question, dates, organisation numbers. Prints one line per \
        problem, after the JSON Pointer of where it is (/questions/3/id). Exit code 1 when a \
        file has problems; 2 when a file is no questionnaire or registry (a round, a \
        submission, report.json, index.json, a JSON Schema), which is named for what it is."
    )]
    Check {
        /// Questionnaire or registry files (JSON)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

pub fn run(cmd: SchemaCommand) -> Result<u8, Failure> {
    match cmd {
        SchemaCommand::Check { files } => schema_check(&files),
    }
}

fn schema_check(files: &[PathBuf]) -> Result<u8, Failure> {
    let mut out = io::stdout().lock();
    let (mut failed, mut wrong_kind) = (false, false);
    for f in files {
        match blankett::check_file(f) {
            Ok(report) if report.problems.is_empty() => {
                writeln!(out, "{}: ok, {}", f.display(), report.summary)?;
            }
            Ok(report) => {
                failed = true;
                let n = report.problems.len();
                writeln!(out, "{}: {n} problem{}", f.display(), blankett::plural(n))?;
                for p in &report.problems {
                    writeln!(out, "  {p}")?;
                }
            }
            Err(e) => {
                match e {
                    blankett::CheckError::OtherKind { .. } => wrong_kind = true,
                    _ => failed = true,
                }
                out.flush()?;
                eprintln!("{e}");
            }
        }
    }
    out.flush()?;
    // The wrong kind of file is a usage error, whatever else was found.
    Ok(if wrong_kind {
        EXIT_USAGE
    } else if failed {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}
