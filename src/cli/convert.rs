//! `blankett convert`.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;

use blankett::for_terminal;
use blankett::{Context, Worker};

use super::{EXIT_OK, EXIT_SOME_FAILED, Failure, LimitArgs, MappingArgs, io_failure};

/// Convert a returned form into a submission (JSON)
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Convert a returned form into a submission: every question of the \
    questionnaire answered, unanswered or missing, with the respondent, the round and the \
    contact details, as JSON (schemas/submission.schema.json).\n\n\
    Controls are matched to questions by tag, title, the question text before them and their \
    position; text written outside the controls under a question belongs to it; what answers \
    nothing is kept in `unmapped`. The respondent comes from the form's committee field, else \
    the file name; the round from the form, else the folder or file name. Options override \
    what the form says."
)]
pub struct ConvertArgs {
    /// The returned Word form (.docx, .docm, .dotx, .dotm)
    #[arg(value_name = "FORM")]
    form: PathBuf,

    /// Write the submission here (whole or not at all) instead of to standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    mapping: MappingArgs,

    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: ConvertArgs) -> Result<u8, Failure> {
    let cfg = args.mapping.config(args.limits)?;
    let prepared = cfg.prepare();
    let ctx = Context {
        cfg: &cfg,
        prepared: &prepared,
        now: super::now(),
        assignments: &blankett::Assignments::default(),
    };
    let submission = match Worker::new(cfg.limits()).convert_path(&args.form, &ctx) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", for_terminal(&e.to_string()));
            return Ok(EXIT_SOME_FAILED);
        }
    };
    let json = blankett::to_json(&submission);
    match &args.output {
        Some(path) => {
            blankett::write_atomic(path, &json).map_err(|e| io_failure(path, "write it", e))?
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&json)?;
            out.flush()?;
        }
    }
    Ok(EXIT_OK)
}
