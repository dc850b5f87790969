//! `blankett assign`: the analyst's decision about one form of an output folder (which
//! respondent or round it is, or that it is no part of the round), recorded in
//! `OUT/assignments.json` and applied at once to what the folder holds; `--list` shows the
//! decisions, `--undo` takes one back.

use std::path::{Path, PathBuf};

use clap::Args;

use blankett::{
    Action, Applied, Assignee, Assignments, Decision, FolderLock, FormOrigin, Index, KnownForm,
    Registry, Respondent, RespondentMatcher, RoundId,
};

use super::{EXIT_OK, Failure, an_output_folder, lock_failure, output_failure, print_lines};

/// Say which respondent or round a form is, or exclude it from the round
#[derive(Args)]
#[command(
    long_about = "Say which respondent or round a form is, whatever it says itself, or that \
    it is no part of the round (a cover letter, a form sent by mistake). The decision is kept \
    in OUT/assignments.json by the form's content (SHA-256), so it holds whatever the file is \
    called: the form's submission in OUT is rewritten at once (an excluded form's is \
    removed), and batch and watch apply the decision to the form every time they meet it. The submission \
    says \"resolvedBy\": \"assigned\" and keeps what the conversion found as \"asConverted\"; \
    an excluded form is listed in OUT/report.json as skipped, reason \"excluded\".\n\n\
    FORM is the form's file, its submission in OUT (submissions/<name>.json), the form's \
    file name as OUT's records say it, or the start of its SHA-256 (at least 4 digits).\n\n\
    Like batch and watch, assign writes OUT only while no other blankett does: stop a watch \
    on OUT first.",
    after_help = concat!(
        "Examples:\n  \
         blankett assign ut inkorg/Brommaa.docx --respondent bromma-sdn --round 2022-T1\n  \
         blankett assign ut 3f5a1c --exclude --note \"följebrev, inget formulär\"\n  \
         blankett assign --list ut\n  \
         blankett assign ut 3f5a1c --undo\n\n",
        super::output_flags!()
    )
)]
pub struct AssignArgs {
    /// The output folder of batch or watch
    #[arg(value_name = "OUT")]
    out: PathBuf,

    /// The form: its file, its submission in OUT, its file name, or the start of its sha256
    #[arg(value_name = "FORM")]
    form: Option<String>,

    /// The respondent the form is from (registry id or name)
    #[arg(long, value_name = "ID", conflicts_with_all = ["exclude", "undo"])]
    respondent: Option<String>,

    /// The round the form answers (2022-T1, 2022-T2, 2022-VB)
    #[arg(long, value_name = "ROUND", conflicts_with_all = ["exclude", "undo"])]
    round: Option<String>,

    /// The form is no part of the round: remove its submission and keep it out
    #[arg(long, conflicts_with = "undo")]
    exclude: bool,

    /// Why, in a few words (kept with the decision; shown by --list and in report.json)
    #[arg(long, value_name = "TEXT", conflicts_with = "undo")]
    note: Option<String>,

    /// Take back the decision about FORM: its submission becomes what the conversion found
    #[arg(long)]
    undo: bool,

    /// Show the decisions (the same as giving no FORM)
    #[arg(long, conflicts_with_all = ["form", "respondent", "round", "exclude", "note", "undo"])]
    list: bool,

    /// Registry of respondents (default: the built-in Stockholm registry)
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
}

pub fn run(args: AssignArgs) -> Result<u8, Failure> {
    an_output_folder(&args.out)?;
    let Some(given) = args.form.as_deref() else {
        if args.respondent.is_some() || args.round.is_some() || args.exclude || args.undo {
            return Err(Failure::Usage(
                "say which form: blankett assign OUT FORM … (blankett assign --list OUT shows the decisions)".into(),
            ));
        }
        return list(&args.out);
    };
    if !args.undo && !args.exclude && args.respondent.is_none() && args.round.is_none() {
        return Err(Failure::Usage(
            "say what to decide about the form: --respondent ID, --round ROUND, --exclude, or --undo".into(),
        ));
    }
    let registry = match &args.registry {
        Some(p) => Registry::load(p).map_err(|e| Failure::Usage(e.to_string()))?,
        None => Registry::builtin(),
    };
    let lock = blankett::lock_folder(&args.out, "assign").map_err(lock_failure)?;
    let mut assignments = Assignments::load(&args.out).map_err(|e| output_failure(&args.out, e))?;
    let known = blankett::known_forms(&args.out, &assignments);
    let form = blankett::find_form(&args.out, given, &known)
        .map_err(|e| Failure::Usage(e.to_string()))?
        .clone();
    let out = Folder {
        path: &args.out,
        lock: &lock,
    };
    if args.undo {
        return undo(&out, &mut assignments, &form, given);
    }
    let action = if args.exclude {
        Action::Exclude
    } else {
        assignment(&args, &registry, assignments.get(&form.sha256), &form)?
    };
    let decision = Decision {
        action,
        form: Some(form.path().to_owned()).filter(|p| !p.is_empty()),
        note: args
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        decided_at: blankett::rfc3339(super::now()),
    };
    assignments
        .decisions
        .insert(form.sha256.clone(), decision.clone());
    assignments
        .save(&args.out)
        .map_err(|e| super::io_failure(&args.out, "write assignments.json", e))?;
    let applied = out.apply(&form.sha256, Some(&decision))?;
    let mut lines = vec![format!(
        "assign: {}",
        decided(form.path(), &form.sha256, &decision)
    )];
    lines.extend(what_changed(&out, &applied, true));
    print_lines(&lines)?;
    Ok(EXIT_OK)
}

/// The output folder being changed, and its lock.
struct Folder<'a> {
    path: &'a Path,
    lock: &'a FolderLock,
}

impl Folder<'_> {
    fn apply(&self, sha256: &str, decision: Option<&Decision>) -> Result<Applied, Failure> {
        blankett::apply_stored(self.path, sha256, decision, super::now(), self.lock)
            .map_err(|e| super::io_failure(self.path, "apply the decision", e))
    }
}

/// The assignment the flags ask for; what they leave out stays as an earlier assignment of
/// the form said. The respondent must exist in the round.
fn assignment(
    args: &AssignArgs,
    registry: &Registry,
    earlier: Option<&Decision>,
    form: &KnownForm,
) -> Result<Action, Failure> {
    let (mut respondent, mut round) = match earlier.map(|d| &d.action) {
        Some(Action::Assign { respondent, round }) => (respondent.clone(), *round),
        _ => (None, None),
    };
    if let Some(r) = &args.round {
        round = Some(blankett::parse_round(r).ok_or_else(|| {
            Failure::Usage(format!(
                "not a round: {r}; write it as 2022-T1, 2022-T2 or 2022-VB"
            ))
        })?);
    }
    if let Some(given) = &args.respondent {
        let r = find_respondent(registry, given)?;
        respondent = Some(Assignee::from(r));
    }
    let in_round = round.or_else(|| stored_round(form, args));
    if let (Some(a), Some(round)) = (&respondent, in_round)
        && let Some(r) = registry.get(&a.id)
        && !r.valid_on(Some(&round.end_date()))
    {
        return Err(Failure::Usage(not_in_round(r, round)));
    }
    Ok(Action::Assign { respondent, round })
}

/// The respondent an id or name names, or a line offering the ids close to it.
fn find_respondent<'r>(registry: &'r Registry, given: &str) -> Result<&'r Respondent, Failure> {
    if let Some(r) = RespondentMatcher::new(registry).by_id_or_name(registry, given) {
        return Ok(r);
    }
    let close = blankett::close_respondents(registry, given, 3);
    let offer = if close.is_empty() {
        "no id or name of the registry is close to it".to_owned()
    } else {
        format!(
            "close matches: {}",
            close
                .iter()
                .map(|r| format!("{} ({})", r.id, r.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(Failure::Usage(format!(
        "unknown respondent id: {given}; {offer}"
    )))
}

/// The round the form's stored submissions name, when they name one.
fn stored_round(form: &KnownForm, args: &AssignArgs) -> Option<RoundId> {
    let index = Index::load(&args.out);
    form.submissions
        .iter()
        .filter_map(|n| index.submissions.get(n))
        .find_map(|e| e.round.as_deref().and_then(|r| r.parse().ok()))
}

/// Why a respondent cannot answer a round: it did not exist then.
fn not_in_round(r: &Respondent, round: RoundId) -> String {
    let span = match (&r.valid_from, &r.valid_to) {
        (Some(from), Some(to)) => format!("it existed from {from} to {to}"),
        (Some(from), None) => format!("it exists from {from}"),
        (None, Some(to)) => format!("it existed until {to}"),
        (None, None) => String::new(),
    };
    let successors = if r.successors.is_empty() {
        String::new()
    } else {
        format!("; its successors: {}", r.successors.join(", "))
    };
    format!(
        "{} ({}) did not exist at the end of round {round}: {span}{successors}",
        r.id, r.name
    )
}

/// Takes back the decision about `form`.
fn undo(
    out: &Folder<'_>,
    assignments: &mut Assignments,
    form: &KnownForm,
    given: &str,
) -> Result<u8, Failure> {
    let Some(decision) = assignments.decisions.remove(&form.sha256) else {
        return Err(Failure::Usage(format!(
            "no decision about {given} in {} (blankett assign --list {0} shows them)",
            out.path.display()
        )));
    };
    assignments
        .save(out.path)
        .map_err(|e| super::io_failure(out.path, "write assignments.json", e))?;
    let applied = out.apply(&form.sha256, None)?;
    let mut lines = vec![format!(
        "assign: taken back: {}",
        decided(form.path(), &form.sha256, &decision)
    )];
    lines.extend(what_changed(out, &applied, false));
    // Where the form was excluded, once per folder: how it comes back.
    let mut places: Vec<(FormOrigin, &str, Vec<&str>)> = Vec::new();
    for s in &applied.unexcluded {
        match places
            .iter_mut()
            .find(|(o, i, _)| *o == s.origin && *i == s.input)
        {
            Some((_, _, paths)) => paths.push(&s.path),
            None => places.push((s.origin, &s.input, vec![&s.path])),
        }
    }
    for (origin, input, paths) in places {
        let again = match origin {
            FormOrigin::Inbox => format!(
                "move it from {input}/{} back into {input}, where watch converts it",
                blankett::PROCESSED
            ),
            FormOrigin::Folder => format!(
                "it is converted again by the next batch over its folder: blankett batch {input} --out {}",
                out.path.display()
            ),
            _ => "send it again".to_owned(),
        };
        let more = match paths.len() {
            1 => String::new(),
            n => format!(" and {} more copies", n - 1),
        };
        lines.push(format!("  {}{more}: {again}", paths[0]));
    }
    print_lines(&lines)?;
    Ok(EXIT_OK)
}

/// Which form, and what was decided about it.
fn decided(form: &str, sha256: &str, d: &Decision) -> String {
    let what = match &d.action {
        Action::Exclude => "excluded from the round".to_owned(),
        Action::Assign { respondent, round } => {
            let mut parts = Vec::new();
            if let Some(r) = respondent {
                parts.push(format!("respondent {} ({})", r.id, r.committee));
            }
            if let Some(r) = round {
                parts.push(format!("round {r}"));
            }
            parts.join(", ")
        }
        _ => "decided".to_owned(),
    };
    let note = d
        .note
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!(
        "{} (sha256 {}): {what}{note}",
        file_name(form),
        &sha256[..12]
    )
}

/// How many submissions of one form are named one by one; the same bytes may have come in
/// many times.
const NAMED: usize = 3;

/// What applying a decision changed in the folder, a line each; and the rounds and exports
/// made before it.
fn what_changed(out: &Folder<'_>, applied: &Applied, decided: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for (names, what) in [
        (
            &applied.rewritten,
            "rewritten; index.json and report.json updated",
        ),
        (&applied.unchanged, "says so already"),
        (
            &applied.removed,
            "removed; report.json lists the form as excluded",
        ),
    ] {
        for name in names.iter().take(NAMED) {
            lines.push(format!("  submissions/{name}.json {what}"));
        }
        if names.len() > NAMED {
            lines.push(format!(
                "  and {} more submissions of the same form: {what}",
                names.len() - NAMED
            ));
        }
    }
    let nothing = applied.rewritten.is_empty() && applied.removed.is_empty();
    if nothing && applied.listed_excluded > 0 {
        lines.push("  report.json lists the form as excluded".to_owned());
    }
    if decided && nothing && applied.unchanged.is_empty() {
        lines.push(format!(
            "  {} holds no submission of it to change; batch and watch apply the decision when they convert it",
            out.path.display()
        ));
    }
    let made = made_from_submissions(out.path);
    if !nothing && !made.is_empty() {
        lines.push(format!(
            "  made before this: {}; write them again with blankett consolidate",
            made.join(", ")
        ));
    }
    lines
}

/// The rounds and exports at the top of `out`, by name.
fn made_from_submissions(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let ext = n.rsplit_once('.').map_or("", |(_, e)| e);
            ["json", "csv", "xlsx", "md", "docx"].contains(&ext)
                && !["index.json", "report.json", blankett::ASSIGNMENTS].contains(&n.as_str())
        })
        .collect();
    names.sort();
    names
}

/// The decisions of `out`, a line each.
fn list(out: &Path) -> Result<u8, Failure> {
    let assignments = Assignments::load(out).map_err(|e| output_failure(out, e))?;
    let shown = out.display().to_string();
    let n = assignments.decisions.len();
    let lines = if n == 0 {
        vec![format!(
            "no decisions in {shown}: every form counts as it was converted"
        )]
    } else {
        let mut lines = vec![format!(
            "{n} decision{} in {shown}/{}:",
            blankett::plural(n),
            blankett::ASSIGNMENTS
        )];
        for (sha, d) in &assignments.decisions {
            let line = decided(d.form.as_deref().unwrap_or_default(), sha, d);
            lines.push(format!("  {line}; decided {}", d.decided_at));
        }
        lines.push(format!(
            "take one back with: blankett assign {shown} SHA256 --undo"
        ));
        lines
    };
    print_lines(&lines)?;
    Ok(EXIT_OK)
}

/// The last name of a path as the records write it.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
