//! `blankett schema check`.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Subcommand;

use super::{EXIT_OK, EXIT_SOME_FAILED, Failure};

#[derive(Subcommand)]
pub enum SchemaCommand {
    /// Check questionnaire or registry files and say what is wrong
    #[command(
        after_help = super::output_flags!(),
        long_about = "Check questionnaire or registry files (schemas/README.md describes \
        both formats): their shape against the format's JSON Schema, then what a schema cannot \
        say: unique ids, stable ASCII ids, variants and areas that exist, tags and titles that \
        say one question, validity dates, organisation numbers. Prints one line per problem, \
        with where it is. Exit code 1 when a file has problems."
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
    let mut failed = 0;
    for f in files {
        match blankett::check_file(f) {
            Ok(report) if report.problems.is_empty() => {
                writeln!(out, "{}: ok, {}", f.display(), report.summary)?;
            }
            Ok(report) => {
                failed += 1;
                writeln!(
                    out,
                    "{}: {} problem{}",
                    f.display(),
                    report.problems.len(),
                    if report.problems.len() == 1 { "" } else { "s" }
                )?;
                for p in &report.problems {
                    writeln!(out, "  {p}")?;
                }
            }
            Err(e) => {
                failed += 1;
                out.flush()?;
                eprintln!("{e}");
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}
