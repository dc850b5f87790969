//! Which respondents two rounds share, and who appeared or disappeared between them: paired by
//! registry id, and across a renaming the registry records; a merger or an ending named by the
//! registry's successors.

use std::collections::HashSet;

use crate::round::Round;
use crate::schema::Registry;

use super::{Named, Presence, RespondentChange, Summary};

/// Every respondent with a form in either round: the later round's in its order (each in both,
/// renamed, or appeared), then those of the earlier round only.
pub(super) fn respondents(before: &Round, after: &Round, reg: &Registry) -> Vec<RespondentChange> {
    let earlier = answering(before);
    let later = answering(after);
    let later_ids: HashSet<&str> = later.iter().map(|r| r.id.as_str()).collect();
    let earlier_ids: HashSet<&str> = earlier.iter().map(|r| r.id.as_str()).collect();
    let mut renamed_from: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for r in &later {
        let mut change = RespondentChange::only(r, Presence::Appeared);
        if earlier_ids.contains(r.id.as_str()) {
            change.presence = Presence::Both;
            change.before = source_of(before, &r.id);
        } else if let Some(old) = renamed(reg, &r.id)
            .filter(|o| earlier_ids.contains(o.as_str()) && !later_ids.contains(o.as_str()))
        {
            change.presence = Presence::Renamed;
            change.before = source_of(before, &old);
            change.previous = Some(named(before, reg, &old));
            renamed_from.insert(old);
        } else {
            change.missing_in_other = is_missing(before, &r.id);
            change.predecessors = predecessors(reg, &r.id)
                .map(|id| named(before, reg, id))
                .collect();
            change.started = reg
                .get(&r.id)
                .and_then(|x| x.valid_from.clone())
                .filter(|from| before.round.is_some_and(|b| *from > b.end_date()));
        }
        change.after = r.source.clone();
        out.push(change);
    }
    let gone = earlier
        .iter()
        .filter(|r| !later_ids.contains(r.id.as_str()) && !renamed_from.contains(&r.id));
    for r in gone {
        let mut change = RespondentChange::only(r, Presence::Disappeared);
        change.before = r.source.clone();
        change.missing_in_other = is_missing(after, &r.id);
        let entry = reg.get(&r.id);
        change.successors = entry
            .map(|x| {
                x.successors
                    .iter()
                    .map(|id| named(after, reg, id))
                    .collect()
            })
            .unwrap_or_default();
        change.ended = entry
            .and_then(|x| x.valid_to.clone())
            .filter(|to| after.round.is_some_and(|a| *to < a.end_date()));
        out.push(change);
    }
    out
}

/// A respondent of a round with a form, as the comparison names it.
struct Answering {
    id: String,
    label: String,
    source: Option<crate::round::SourceSummary>,
}

/// The round's respondents with a form and a registry id, in the round's order.
fn answering(round: &Round) -> Vec<Answering> {
    round
        .respondents
        .iter()
        .filter(|r| r.source.is_some())
        .filter_map(|r| {
            Some(Answering {
                id: r.id.clone()?,
                label: r.label.clone(),
                source: r.source.clone(),
            })
        })
        .collect()
}

impl RespondentChange {
    fn only(r: &Answering, presence: Presence) -> RespondentChange {
        RespondentChange {
            id: r.id.clone(),
            label: r.label.clone(),
            presence,
            previous: None,
            missing_in_other: false,
            predecessors: Vec::new(),
            successors: Vec::new(),
            started: None,
            ended: None,
            before: None,
            after: None,
            counts: Summary::default(),
        }
    }
}

fn source_of(round: &Round, id: &str) -> Option<crate::round::SourceSummary> {
    round
        .respondents
        .iter()
        .find(|r| r.id.as_deref() == Some(id))
        .and_then(|r| r.source.clone())
}

/// Whether the round expected `id` and had no form from it.
fn is_missing(round: &Round, id: &str) -> bool {
    round.missing.iter().any(|m| m.id == id)
}

/// The registry's respondents whose successors include `id`.
fn predecessors<'r>(reg: &'r Registry, id: &'r str) -> impl Iterator<Item = &'r str> {
    reg.respondents
        .iter()
        .filter(move |r| r.successors.iter().any(|s| s == id))
        .map(|r| r.id.as_str())
}

/// The respondent `id` took over from when it is a renaming: its only predecessor, whose only
/// successor it is.
fn renamed(reg: &Registry, id: &str) -> Option<String> {
    let mut before = predecessors(reg, id);
    let (Some(old), None) = (before.next(), before.next()) else {
        return None;
    };
    let successors = &reg.get(old)?.successors;
    (successors.len() == 1).then(|| old.to_owned())
}

/// `id` with its name: as the round names it, else as the registry does, else the id.
fn named(round: &Round, reg: &Registry, id: &str) -> Named {
    let label = round
        .respondents
        .iter()
        .find(|r| r.id.as_deref() == Some(id))
        .map(|r| r.label.clone())
        .or_else(|| reg.get(id).map(|r| r.name.clone()))
        .unwrap_or_else(|| id.to_owned());
    Named {
        id: id.to_owned(),
        label,
    }
}
