//! Who answers, for which round, and how to reach them: the round and the respondent from the
//! options, the form's fields, its folder and file name (in that order); the contact details
//! from the form's fields. How a name or a round is read from text is [`super::respondent`]'s
//! and [`super::round`]'s; this module decides which source wins and warns when none does.

use std::collections::HashMap;

use super::respondent::Matcher;
use super::{Options, Run, contact as contact_details, round, warning};
use crate::model::Document;
use crate::schema::{Registry, Respondent, Role};
use crate::submission::{ResolvedBy, RespondentRef, SubmissionWarning};

/// The fields' values, by role.
type Fields = HashMap<Role, Option<String>>;

/// Resolves the round, then the respondent as of the round's last day.
pub(super) fn round_and_respondent(run: &mut Run<'_, '_>) {
    let warnings = &mut run.out.warnings;
    let round = resolve_round(run.doc, run.opts, &run.fields, warnings);
    let prepared = run.prepared;
    run.out.respondent = resolve_respondent(
        prepared.reg,
        &prepared.matcher,
        run.opts,
        &run.fields,
        round.as_deref().and_then(round::end_date).as_deref(),
        warnings,
    );
    run.out.round = round;
}

/// The contact details from the contact fields, warned of where they do not read as an address
/// or a Swedish phone number.
pub(super) fn contact(run: &mut Run<'_, '_>) {
    let text_of = |role: Role| run.fields.get(&role).and_then(|t| t.as_deref());
    let contact = contact_details::contact(
        text_of(Role::ContactName),
        text_of(Role::ContactPhone),
        text_of(Role::ContactEmail),
    );
    if contact.email_valid == Some(false) {
        run.out.warnings.push(warning(
            "contact-email-invalid",
            format!(
                "the e-mail address {:?} is not a well-formed address",
                contact.email_as_written.as_deref().unwrap_or("")
            ),
            None,
        ));
    }
    if contact.phone.is_some() && contact.phone == contact.phone_as_written {
        run.out.warnings.push(warning(
            "contact-phone-unrecognised",
            format!(
                "the phone number {:?} is not a Swedish number; kept as written",
                contact.phone_as_written.as_deref().unwrap_or("")
            ),
            None,
        ));
    }
    run.out.contact = Some(contact);
}

/// The round: `--round`, else the form's round field, else the folder's name, else the
/// file's.
pub(super) fn resolve_round(
    doc: &Document,
    opts: &Options<'_>,
    fields: &Fields,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<String> {
    if let Some(r) = opts.round {
        return round::parse(r);
    }
    if let Some(Some(t)) = fields.get(&Role::Round)
        && let Some(r) = round::parse(t)
    {
        return Some(r);
    }
    let folder = opts
        .path
        .and_then(|p| p.parent())
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let file = opts
        .path
        .and_then(|p| p.file_stem())
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| doc.source.file.clone());
    if let Some(r) = folder.as_deref().and_then(round::parse) {
        return Some(r);
    }
    if let Some(r) = file.as_deref().and_then(round::parse) {
        return Some(r);
    }
    warnings.push(warning(
        "round-unresolved",
        "the round is not in the form, its folder or its file name; give it with --round",
        None,
    ));
    None
}

/// The respondent: `--respondent` (warned of when the form names another), else the form's
/// committee field, else the file name. `date`: the round's last day, on which the respondent
/// must exist.
pub(super) fn resolve_respondent(
    reg: &Registry,
    matcher: &Matcher<'_>,
    opts: &Options<'_>,
    fields: &Fields,
    date: Option<&str>,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<RespondentRef> {
    let as_written = fields.get(&Role::Respondent).and_then(Clone::clone);
    let from_control = as_written.as_deref().and_then(|t| matcher.find(t, date));
    let file_stem = opts
        .path
        .and_then(|p| p.file_stem())
        .map(|n| n.to_string_lossy().into_owned());
    let (found, by) = if let Some(given) = opts.respondent {
        let r = matcher.by_id_or_name(reg, given);
        if let (Some(r), Some(c)) = (r, from_control)
            && r.id != c.id
        {
            warnings.push(warning(
                "respondent-conflict",
                format!(
                    "the form names {} but --respondent says {}; --respondent was used",
                    c.name, r.name
                ),
                None,
            ));
        }
        (r, ResolvedBy::Option)
    } else if let Some(r) = from_control {
        (Some(r), ResolvedBy::Control)
    } else if let Some(r) = file_stem.as_deref().and_then(|f| matcher.find(f, date)) {
        (Some(r), ResolvedBy::FileName)
    } else {
        (None, ResolvedBy::Option)
    };
    let Some(r) = found else {
        warnings.push(unresolved(as_written.as_deref()));
        return None;
    };
    if !r.valid_on(date) {
        warnings.push(warning(
            "respondent-not-valid",
            format!(
                "{} did not exist at the end of the round ({})",
                r.name,
                date.unwrap_or("")
            ),
            None,
        ));
    }
    Some(respondent_ref(r, by, as_written))
}

fn unresolved(as_written: Option<&str>) -> SubmissionWarning {
    warning(
        "respondent-unresolved",
        match as_written {
            Some(t) => format!(
                "the form's committee field says {t:?}, which names no respondent in the registry, and neither does the file name; give it with --respondent"
            ),
            None => "neither the form nor its file name names a respondent in the registry; give it with --respondent".into(),
        },
        None,
    )
}

fn respondent_ref(r: &Respondent, by: ResolvedBy, as_written: Option<String>) -> RespondentRef {
    RespondentRef {
        id: r.id.clone(),
        committee: r.name.clone(),
        kind: r.kind.clone(),
        resolved_by: by,
        as_written,
    }
}
