//! `blankett redact`: the contact details (personal data) removed from an output folder once
//! its round is done, said in numbers, and where else they still are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;

use blankett::{ContactRemoved, FormOrigin, Redaction, plural};

use super::{EXIT_OK, Failure, an_output_folder, lock_failure, print_lines};

/// Remove the contact details (personal data) from an output folder once its round is done
#[derive(Args)]
#[command(
    long_about = "Remove the contact details (personal data: the contact person's name, phone \
    number and e-mail address each form held) from the submissions in OUT, and from the rounds \
    written into OUT (round.json), once the round is done. Each submission is marked \
    \"redacted\": true, and warnings that quoted an address or a number are reworded without \
    it. Says what it removed: how many submissions, which fields, how many values. Running it \
    again removes nothing more.\n\n\
    It also says where contact details still are and are not blankett's to remove: exports in \
    OUT made before (write them again with consolidate, or delete them) and the Word forms \
    themselves (in the batch folder, or the inbox's processed/ and failed/). index.json, \
    report.json and assignments.json hold none.\n\n\
    Like batch and watch, redact writes OUT only while no other blankett does.",
    after_help = concat!(
        "Examples:\n  \
         blankett redact ut --dry-run\n  \
         blankett redact ut\n\n",
        super::output_flags!()
    )
)]
pub struct RedactArgs {
    /// The output folder of batch or watch
    #[arg(value_name = "OUT")]
    out: PathBuf,

    /// Say what would be removed, and remove nothing
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: RedactArgs) -> Result<u8, Failure> {
    an_output_folder(&args.out)?;
    let failed = |e| super::io_failure(&args.out, "remove the contact details", e);
    let r = if args.dry_run {
        blankett::plan_redaction(&args.out).map_err(failed)?
    } else {
        let lock = blankett::lock_folder(&args.out, "redact").map_err(lock_failure)?;
        blankett::redact(&args.out, super::now(), &lock).map_err(failed)?
    };
    let text = text(&args.out, &r, args.dry_run);
    print_lines(&text.lines().collect::<Vec<_>>())?;
    Ok(EXIT_OK)
}

/// What was removed, where contact details still are, and what comes next.
fn text(out: &Path, r: &Redaction, dry_run: bool) -> String {
    let shown = out.display().to_string();
    let mut s = String::new();
    s.push_str(&removed_from_submissions(&shown, r, dry_run));
    if !r.changed.is_empty() {
        s.push_str(&format!(
            "  {}index.json: the new lengths of the rewritten submissions (it holds no contact details, nor do report.json and assignments.json)\n",
            if dry_run { "would update " } else { "updated " }
        ));
    }
    for f in &r.unreadable {
        s.push_str(&format!("  {f}: not a submission, left as it is\n"));
    }
    for (name, removed) in &r.rounds {
        s.push_str(&format!(
            "  {name}: {} the round's contact details: {}\n",
            if dry_run { "would remove" } else { "removed" },
            values(removed)
        ));
    }
    let elsewhere = still_held(&shown, r);
    if !elsewhere.is_empty() {
        s.push_str("Contact details may still be in:\n");
        s.push_str(&elsewhere);
    }
    s.push_str(&format!(
        "Forms converted into {shown} from now on keep their contact details unless converted with --redact-contact; run blankett redact {shown} again then.\n"
    ));
    s
}

/// The headline: how many submissions held contact details, and what was removed.
fn removed_from_submissions(shown: &str, r: &Redaction, dry_run: bool) -> String {
    let head = if dry_run {
        format!("redact {shown} (dry run, nothing written): ")
    } else {
        format!("redact {shown}: ")
    };
    if r.held == 0 {
        let marked = if r.changed.is_empty() {
            String::new()
        } else {
            format!(
                "; {} {} marked redacted",
                r.changed.len(),
                if dry_run { "would be" } else { "were" }
            )
        };
        return format!(
            "{head}nothing to remove: the {} submission{} hold{} no contact details{marked}\n",
            r.submissions,
            plural(r.submissions),
            if r.submissions == 1 { "s" } else { "" }
        );
    }
    format!(
        "{head}{} the contact details from {} of {} submission{}: {}\n",
        if dry_run { "would remove" } else { "removed" },
        r.held,
        r.submissions,
        plural(r.submissions),
        values(&r.removed)
    )
}

/// `17 values (6 names, 5 phone numbers, 6 e-mail addresses); 1 warning quoting one reworded`.
fn values(r: &ContactRemoved) -> String {
    let mut fields = Vec::new();
    for (n, one, many) in [
        (r.names, "name", "names"),
        (r.phones, "phone number", "phone numbers"),
        (r.emails, "e-mail address", "e-mail addresses"),
    ] {
        if n > 0 {
            fields.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    let mut s = format!(
        "{} value{} ({})",
        r.values(),
        plural(r.values()),
        fields.join(", ")
    );
    if r.warnings > 0 {
        s.push_str(&format!(
            "; {} warning{} quoting one reworded",
            r.warnings,
            plural(r.warnings)
        ));
    }
    s
}

/// Where contact details may still be that redact does not change: exports in the folder and
/// the Word forms.
fn still_held(shown: &str, r: &Redaction) -> String {
    let mut s = String::new();
    let mut by_base: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for name in &r.exports {
        let (base, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        by_base.entry(base).or_default().push(ext);
    }
    for (base, exts) in by_base {
        let names: Vec<String> = exts.iter().map(|e| format!("{base}.{e}")).collect();
        s.push_str(&format!(
            "  {} in {shown}: exports made before now hold them; write them again (blankett consolidate {shown} -o {shown}/{base} --format {}) or delete them\n",
            names.join(", "),
            exts.join(",")
        ));
    }
    for p in &r.forms {
        let by = match p.origin {
            FormOrigin::Folder => "read by batch",
            FormOrigin::Inbox => "handled by watch",
            _ => "uploaded",
        };
        s.push_str(&format!(
            "  the Word forms: {} in {} ({by}): they hold what the respondents wrote; keep or delete them as your rules for personal data say\n",
            p.forms, p.folder
        ));
    }
    s
}
