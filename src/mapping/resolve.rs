//! Who answers, for which round, and how to reach them: the round and the respondent from the
//! options, the identity a sent-out form kept, the form's fields, its folder and file name (in
//! that order); the contact details from the form's fields. How a name or a round is read from
//! text is [`super::respondent`]'s and [`super::round`]'s; this module decides which source
//! wins, and warns when none does and when the option or the identity disagrees with another.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use super::lines::Line;
use super::respondent::Matcher;
use super::{Options, Prepared, Run, contact as contact_details, round, warning};
use crate::identity::FormIdentity;
use crate::model::{Control, Document, FlowItem, Status, Story};
use crate::round_id::RoundId;
use crate::schema::{Registry, Respondent, Role};
use crate::submission::{ResolvedBy, RespondentRef, SubmissionWarning};
use crate::warning_code::WarningCode;

/// The fields' values, by role.
type Fields = HashMap<Role, Option<String>>;

/// Resolves the round, then the respondent as of the round's last day.
pub(super) fn round_and_respondent(run: &mut Run<'_, '_>) {
    let warnings = &mut run.out.warnings;
    let (doc, lines) = (run.doc, &run.lines);
    let identity = run.identity.as_ref();
    let round = resolve_round(
        doc,
        (run.opts, identity),
        &run.fields,
        || form_period(doc, lines),
        warnings,
    );
    let prepared = run.prepared;
    run.out.respondent = resolve_respondent(
        (prepared.reg, &prepared.matcher),
        (run.opts, identity),
        &run.fields,
        round.map(RoundId::end_date).as_deref(),
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
            WarningCode::ContactEmailInvalid,
            format!(
                "the e-mail address {:?} is not a well-formed address",
                contact.email_as_written.as_deref().unwrap_or("")
            ),
            None,
        ));
    }
    if contact.phone.is_some() && contact.phone == contact.phone_as_written {
        run.out.warnings.push(warning(
            WarningCode::ContactPhoneUnrecognised,
            format!(
                "the phone number {:?} is not a Swedish number; kept as written",
                contact.phone_as_written.as_deref().unwrap_or("")
            ),
            None,
        ));
    }
    run.out.contact = Some(contact);
}

/// The round: `--round`, else the round the form was sent out for (its identity), else the
/// form's period (its round field, else `period`: where else the form gives it,
/// [`form_period`], looked for only then), else the folder's name, else the file's. An option
/// naming another round than the identity, or an identity another than the round field, is
/// warned of (`round-conflict`).
pub(super) fn resolve_round(
    doc: &Document,
    (opts, identity): (&Options<'_>, Option<&FormIdentity>),
    fields: &Fields,
    period: impl FnOnce() -> Option<RoundId>,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<RoundId> {
    let sent_for = identity.map(|i| i.round);
    let field = match fields.get(&Role::Round) {
        Some(Some(t)) => round::parse(t).map(|r| (r, t.as_str())),
        _ => None,
    };
    if let Some(r) = opts.round {
        let r = round::parse(r);
        if let (Some(r), Some(sent)) = (r, sent_for)
            && r != sent
        {
            warnings.push(round_conflict(format!(
                "the form was sent out for {sent} but --round says {r}; --round was used"
            )));
        }
        return r;
    }
    if let Some(sent) = sent_for {
        if let Some((r, t)) = field
            && r != sent
        {
            warnings.push(round_conflict(format!(
                "the form was sent out for {sent} but its period field says {t:?} ({r}); the form's identity was used"
            )));
        }
        return Some(sent);
    }
    if let Some((r, _)) = field {
        return Some(r);
    }
    if let Some(r) = period() {
        return Some(r);
    }
    let (folder, file) = path_names(opts.path);
    let file = file.or_else(|| doc.source.file.clone());
    if let Some(r) = round_of_names(folder.as_deref(), file.as_deref()) {
        return Some(r);
    }
    // What the form's round field says stays in the submission, though it names no round.
    warnings.push(warning(
        WarningCode::RoundUnresolved,
        match fields.get(&Role::Round) {
            Some(Some(t)) => format!(
                "the form's period field says {t:?}, which names no round, and neither do its folder or file name; give it with --round"
            ),
            _ => "the round is not in the form, its folder or its file name; give it with --round"
                .into(),
        },
        None,
    ));
    None
}

/// The round the form gives outside its round field, wherever it stands, page headers
/// included: a control whose tag or title names the period (`period`, `Uppföljningsperiod`),
/// else a line labelled as the period (`Uppföljningsperiod: T1 2022`, in plain text or around a
/// control), else a page header that names a round (`Östermalms stadsdelsnämnd – VB 2022`).
/// Other text is not read for it: an answer may well name another round. A placeholder is
/// never a period. `lines`: the paragraphs holding inline controls, in pieces.
fn form_period(doc: &Document, lines: &HashMap<usize, Line>) -> Option<RoundId> {
    let named = doc
        .controls
        .iter()
        .filter(|c| c.status == Status::Answered && c.story != Story::Comment)
        .filter(|c| {
            [&c.tag, &c.alias]
                .into_iter()
                .flatten()
                .any(|n| round::names_period(n))
        })
        .find_map(|c| round::parse(&c.text));
    // Each paragraph's text as it shows, placeholders left out, and each header control's.
    let texts = || {
        doc.flow
            .iter()
            .enumerate()
            .filter_map(move |(fi, f)| match f {
                FlowItem::Paragraph { story, text, .. } => {
                    let text = match lines.get(&fi) {
                        Some(line) => Cow::Owned(line.text(&(0..line.parts.len()), |c| {
                            shown(&doc.controls[c]).to_owned()
                        })),
                        None => Cow::Borrowed(text.as_str()),
                    };
                    Some((*story, text))
                }
                FlowItem::Control {
                    story: Story::Header,
                    control,
                    ..
                } => Some((Story::Header, Cow::Borrowed(shown(&doc.controls[*control])))),
                FlowItem::Control { .. } => None,
            })
    };
    named
        .or_else(|| texts().find_map(|(_, t)| round::from_period_line(&t)))
        .or_else(|| {
            texts()
                .filter(|(story, _)| *story == Story::Header)
                .find_map(|(_, t)| round::parse(&t))
        })
}

fn round_conflict(message: String) -> SubmissionWarning {
    warning(WarningCode::RoundConflict, message, None)
}

/// A control's text when it holds an answer; a placeholder shows nothing.
fn shown(c: &Control) -> &str {
    match c.status {
        Status::Answered => &c.text,
        _ => "",
    }
}

/// The respondent: `--respondent`, else the respondent the form was sent to (its identity),
/// else the form's committee field, else the file name. `date`: the round's last day, on which
/// the respondent must exist. When the option or the identity decides, each other source that
/// names another respondent is warned of (`respondent-conflict`): the identity and the committee
/// field against the option; the committee field and the file name against the identity (a
/// committee that answered on another's form shows up so). A file name alone is never set
/// against the committee field: files are renamed all the time.
pub(super) fn resolve_respondent(
    (reg, matcher): (&Registry, &Matcher<'_>),
    (opts, identity): (&Options<'_>, Option<&FormIdentity>),
    fields: &Fields,
    date: Option<&str>,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<RespondentRef> {
    let as_written = fields.get(&Role::Respondent).and_then(Clone::clone);
    let from_control = as_written.as_deref().and_then(|t| matcher.find(t, date));
    let sent_to = identity.and_then(|i| reg.get(&i.respondent));
    let (_, file_stem) = path_names(opts.path);
    let from_file = || file_stem.as_deref().and_then(|f| matcher.find(f, date));
    let (found, by) = if let Some(given) = opts.respondent {
        let r = matcher.by_id_or_name(reg, given);
        if let Some(r) = r {
            let others = [(sent_to, Named::Identity), (from_control, Named::Control)];
            conflicts(r, Named::Option, &others, warnings);
        }
        (r, ResolvedBy::Option)
    } else if let Some(r) = sent_to {
        let others = [
            (from_control, Named::Control),
            (from_file(), Named::FileName),
        ];
        conflicts(r, Named::Identity, &others, warnings);
        (Some(r), ResolvedBy::Identity)
    } else if let Some(r) = from_control {
        (Some(r), ResolvedBy::Control)
    } else if let Some(r) = from_file() {
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
            WarningCode::RespondentNotValid,
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

/// A source that names a respondent, as a conflict's message names it.
#[derive(Clone, Copy, PartialEq)]
enum Named {
    Option,
    Identity,
    Control,
    FileName,
}

/// Warns of each of `others` that names another respondent than `used`, which `by` named.
///
/// The option against the committee field keeps the message it has had since 1.0.
fn conflicts(
    used: &Respondent,
    by: Named,
    others: &[(Option<&Respondent>, Named)],
    warnings: &mut Vec<SubmissionWarning>,
) {
    for (other, named) in others {
        let Some(other) = other.filter(|o| o.id != used.id) else {
            continue;
        };
        let (used_name, other_name) = (&used.name, &other.name);
        let message = match (by, named) {
            (Named::Option, Named::Control) => format!(
                "the form names {other_name} but --respondent says {used_name}; --respondent was used"
            ),
            (Named::Option, _) => format!(
                "the form was sent out to {other_name} but --respondent says {used_name}; --respondent was used"
            ),
            (_, Named::FileName) => format!(
                "the form was sent out to {used_name} but its file name names {other_name}; the form's identity was used (if {other_name} answered on it, say so with blankett assign)"
            ),
            _ => format!(
                "the form was sent out to {used_name} but its committee field names {other_name}; the form's identity was used (if {other_name} answered on it, say so with blankett assign)"
            ),
        };
        warnings.push(warning(WarningCode::RespondentConflict, message, None));
    }
}

/// The names a form's path gives: its folder's, and its file's without the extension.
fn path_names(path: Option<&Path>) -> (Option<String>, Option<String>) {
    let name = |n: &std::ffi::OsStr| n.to_string_lossy().into_owned();
    let folder = path.and_then(Path::parent).and_then(Path::file_name);
    (folder.map(name), path.and_then(Path::file_stem).map(name))
}

/// The round a folder's name gives, else the file's.
fn round_of_names(folder: Option<&str>, file: Option<&str>) -> Option<RoundId> {
    folder
        .and_then(round::parse)
        .or_else(|| file.and_then(round::parse))
}

impl Prepared<'_> {
    /// The round and the respondent of a form by its path alone, found as a read form's are
    /// when it says nothing itself: the given round and respondent, else the folder's and the
    /// file's names. For a form that could not be read, so that its failure can be shown under
    /// its respondent.
    pub(crate) fn by_path(&self, opts: &Options<'_>) -> (Option<RoundId>, Option<&Respondent>) {
        let (folder, file) = path_names(opts.path);
        let round = match opts.round {
            Some(r) => round::parse(r),
            None => round_of_names(folder.as_deref(), file.as_deref()),
        };
        let date = round.map(RoundId::end_date);
        let respondent = match opts.respondent {
            Some(given) => self.matcher.by_id_or_name(self.reg, given),
            None => file
                .as_deref()
                .and_then(|f| self.matcher.find(f, date.as_deref())),
        };
        (round, respondent)
    }
}

fn unresolved(as_written: Option<&str>) -> SubmissionWarning {
    warning(
        WarningCode::RespondentUnresolved,
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::mapping::Options;
    use crate::mapping::testing::{DocBuilder, map, map_with, warning, warnings};
    use crate::model::Document;
    use crate::submission::ResolvedBy;

    fn committee(name: &str) -> Document {
        DocBuilder::new().inline("Nämnd:", |c| c.text(name)).build()
    }

    #[test]
    fn the_round_comes_from_the_option_the_form_the_folder_then_the_file() {
        let field = DocBuilder::new()
            .inline("Period:", |c| c.text("Tertialrapport 1 2022"))
            .build();
        let bare = DocBuilder::new().file("Östermalm VB 2021.docx").build();
        let in_folder = Path::new("in/2022 T2/Östermalm T1 2023.docx");
        let round = |doc: &Document, round: Option<&str>, path: Option<&Path>| {
            map_with(
                doc,
                Options {
                    round,
                    path,
                    ..Options::default()
                },
            )
            .round
        };
        let is = |r: &str| r.parse::<crate::round_id::RoundId>().ok();
        assert_eq!(
            round(&field, Some("VB 2022"), Some(in_folder)),
            is("2022-VB")
        );
        assert_eq!(round(&field, None, Some(in_folder)), is("2022-T1"));
        assert_eq!(round(&bare, None, Some(in_folder)), is("2022-T2"));
        assert_eq!(
            round(&bare, None, Some(Path::new("in/Östermalm T1 2023.docx"))),
            is("2023-T1")
        );
        // Without a path, the file name the reader was given.
        assert_eq!(round(&bare, None, None), is("2021-VB"));
    }

    #[test]
    fn the_form_gives_its_period_wherever_it_stands() {
        let round = |doc: DocBuilder| map(&doc.build()).round.map(|r| r.to_string());
        let some = |r: &str| Some(r.to_owned());
        // A page header's text, or a labelled line anywhere.
        assert_eq!(
            round(DocBuilder::new().header("Östermalms stadsdelsnämnd – VB 2022")),
            some("2022-VB")
        );
        assert_eq!(
            round(DocBuilder::new().paragraph("Uppföljningsperiod: T1 2022")),
            some("2022-T1")
        );
        // A control named as the period, its label unknown.
        assert_eq!(
            round(DocBuilder::new().inline("Avser:", |c| c.tag("period").text("Tertial 2 2022"))),
            some("2022-T2")
        );
        // A labelled line around a control with no name.
        assert_eq!(
            round(DocBuilder::new().inline("Period:", |c| c.text("Tertial 1 2022"))),
            some("2022-T1")
        );
        // A named control wins over a labelled line, which wins over a header.
        assert_eq!(
            round(
                DocBuilder::new()
                    .header("VB 2021")
                    .paragraph("Period: T2 2021")
                    .control(|c| c.alias("Uppföljningsperiod").text("T1 2022"))
            ),
            some("2022-T1")
        );
        assert_eq!(
            round(
                DocBuilder::new()
                    .header("VB 2021")
                    .paragraph("Period: T2 2021")
            ),
            some("2021-T2")
        );
        // Body text that mentions a round is no period; neither is a placeholder.
        assert_eq!(
            round(
                DocBuilder::new()
                    .paragraph("Insatserna följs upp i tertialrapport 2 2022.")
                    .inline("Period:", |c| c.tag("period").placeholder("T1 2022"))
            ),
            None
        );
    }

    #[test]
    fn the_forms_period_wins_over_its_file_name_and_the_option_over_both() {
        let doc = DocBuilder::new()
            .file("Östermalm VB 2021.docx")
            .header("Uppföljningsperiod: T1 2022")
            .build();
        let round = |round: Option<&str>| {
            map_with(
                &doc,
                Options {
                    round,
                    path: Some(Path::new("in/2022 T2/Östermalm VB 2021.docx")),
                    ..Options::default()
                },
            )
            .round
            .map(|r| r.to_string())
        };
        assert_eq!(round(None).as_deref(), Some("2022-T1"));
        assert_eq!(round(Some("2023-VB")).as_deref(), Some("2023-VB"));
    }

    #[test]
    fn a_round_found_nowhere_is_warned_of() {
        let s = map(&DocBuilder::new().build());
        assert_eq!(s.round, None);
        assert!(warnings(&s).contains(&("round-unresolved", None)));
    }

    #[test]
    fn a_period_field_naming_no_round_is_quoted_in_the_warning() {
        let s = map(&DocBuilder::new()
            .inline("Period:", |c| c.text("våren"))
            .build());
        assert_eq!(s.round, None);
        let w = warning(&s, "round-unresolved");
        assert!(
            w.message
                .starts_with("the form's period field says \"våren\""),
            "{}",
            w.message
        );
    }

    #[test]
    fn the_committee_field_names_the_respondent() {
        let s = map(&committee("Östermalms SDN"));
        let r = s.respondent.unwrap();
        assert_eq!(
            (r.id.as_str(), r.resolved_by, r.as_written.as_deref()),
            ("ostermalm-sdn", ResolvedBy::Control, Some("Östermalms SDN"))
        );
        assert_eq!(r.committee, "Östermalms stadsdelsnämnd");
        assert_eq!(r.kind, "stadsdelsnamnd");
    }

    #[test]
    fn the_respondent_option_wins_and_a_conflict_is_warned_of() {
        let given = |who: &'static str| {
            map_with(
                &committee("Östermalms SDN"),
                Options {
                    respondent: Some(who),
                    ..Options::default()
                },
            )
        };
        let s = given("norrmalm-sdn");
        let r = s.respondent.as_ref().unwrap();
        assert_eq!(
            (r.id.as_str(), r.resolved_by),
            ("norrmalm-sdn", ResolvedBy::Option)
        );
        assert_eq!(r.as_written.as_deref(), Some("Östermalms SDN"));
        let w = warning(&s, "respondent-conflict");
        assert_eq!(
            w.message,
            "the form names Östermalms stadsdelsnämnd but --respondent says Norrmalms stadsdelsnämnd; --respondent was used"
        );
        assert!(
            !warnings(&given("Östermalms stadsdelsnämnd")).contains(&("respondent-conflict", None))
        );
    }

    #[test]
    fn the_file_name_names_the_respondent_when_the_form_does_not() {
        let s = map_with(
            &DocBuilder::new().build(),
            Options {
                path: Some(Path::new("inkommet/Norrmalm T1 2022.docx")),
                ..Options::default()
            },
        );
        let r = s.respondent.unwrap();
        assert_eq!(
            (r.id.as_str(), r.resolved_by),
            ("norrmalm-sdn", ResolvedBy::FileName)
        );
        assert_eq!(r.as_written, None);
    }

    #[test]
    fn a_committee_the_registry_lacks_is_warned_of_as_written() {
        let s = map(&committee("Atlantis SDN"));
        assert!(s.respondent.is_none());
        let w = warning(&s, "respondent-unresolved");
        assert!(
            w.message
                .starts_with("the form's committee field says \"Atlantis SDN\""),
            "{}",
            w.message
        );
        let s = map(&DocBuilder::new().build());
        let w = warning(&s, "respondent-unresolved");
        assert!(
            w.message.starts_with("neither the form nor its file name"),
            "{}",
            w.message
        );
    }

    #[test]
    fn a_respondent_ended_before_the_round_is_warned_of() {
        let s = map_with(
            &committee("Västra innerstadens stadsdelsnämnd"),
            Options {
                round: Some("2022-T1"),
                ..Options::default()
            },
        );
        assert_eq!(s.respondent.as_ref().unwrap().id, "vastra-sdn");
        let w = warning(&s, "respondent-not-valid");
        assert_eq!(
            w.message,
            "Västra innerstadens stadsdelsnämnd did not exist at the end of the round (2022-04-30)"
        );
    }

    #[test]
    fn contact_details_are_read_and_doubtful_ones_warned_of() {
        let contact = |phone: &str, email: &str| {
            map(&DocBuilder::new()
                .inline("Kontaktperson:", |c| c.text("Helena Näslund"))
                .inline("Telefon:", |c| c.text(phone))
                .inline("E-post:", |c| c.text(email))
                .build())
        };
        let s = contact("08-508 100 51", "Helena.Naslund@Stockholm.se");
        let c = s.contact.as_ref().unwrap();
        assert_eq!(c.name.as_deref(), Some("Helena Näslund"));
        assert_eq!(c.phone.as_deref(), Some("+46 8 508 100 51"));
        assert_eq!(c.email.as_deref(), Some("helena.naslund@stockholm.se"));
        assert!(
            !s.warnings
                .iter()
                .any(|w| w.code.as_str().starts_with("contact-"))
        );
        let s = contact("+1 555 0100", "helena at stockholm");
        let codes = warnings(&s);
        assert!(
            codes.contains(&("contact-email-invalid", None)),
            "{codes:?}"
        );
        assert!(
            codes.contains(&("contact-phone-unrecognised", None)),
            "{codes:?}"
        );
    }

    #[test]
    fn a_path_alone_names_the_round_and_the_respondent() {
        let (q, reg) = (
            crate::schema::Questionnaire::builtin(),
            crate::schema::Registry::builtin(),
        );
        let prepared = crate::mapping::Prepared::new(&q, &reg);
        let named = |opts: Options<'_>| {
            let (round, r) = prepared.by_path(&opts);
            (round.map(|r| r.to_string()), r.map(|r| r.id.clone()))
        };
        let path = Path::new("inkorg 2022-T1/Brommas SDN.doc");
        let by_path = Options {
            path: Some(path),
            ..Options::default()
        };
        assert_eq!(
            named(by_path),
            (Some("2022-T1".into()), Some("bromma-sdn".into()))
        );
        let given = Options {
            round: Some("T2 2022"),
            respondent: Some("farsta-sdn"),
            ..by_path
        };
        assert_eq!(
            named(given),
            (Some("2022-T2".into()), Some("farsta-sdn".into()))
        );
        let nothing = Options {
            path: Some(Path::new("inkorg/brev.doc")),
            ..Options::default()
        };
        assert_eq!(named(nothing), (None, None));
    }
}
