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
            appeared(&mut change, before, reg);
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
        disappeared(&mut change, after, reg);
        out.push(change);
    }
    out
}

/// What the earlier round and the registry say of a respondent that appeared: whether the
/// earlier round expected it; when it started and whom it took over from, when the registry has
/// it start after the earlier round's end (a merger then; not one years away).
fn appeared(change: &mut RespondentChange, before: &Round, reg: &Registry) {
    change.missing_in_other = is_missing(before, &change.id);
    let started = reg
        .get(&change.id)
        .and_then(|x| x.valid_from.clone())
        .filter(|from| before.round.is_none_or(|b| *from > b.end_date()));
    if started.is_some() {
        change.predecessors = predecessors(reg, &change.id)
            .map(|id| named(before, reg, id))
            .collect();
    }
    change.started = started.filter(|_| before.round.is_some());
}

/// What the later round and the registry say of a respondent that disappeared: whether the
/// later round expected it; when it ended and who took over from it, when the registry has it
/// end before the later round's end.
fn disappeared(change: &mut RespondentChange, after: &Round, reg: &Registry) {
    change.missing_in_other = is_missing(after, &change.id);
    let entry = reg.get(&change.id);
    let ended = entry
        .and_then(|x| x.valid_to.clone())
        .filter(|to| after.round.is_none_or(|a| *to < a.end_date()));
    if ended.is_some() {
        change.successors = entry
            .map(|x| {
                x.successors
                    .iter()
                    .map(|id| named(after, reg, id))
                    .collect()
            })
            .unwrap_or_default();
    }
    change.ended = ended.filter(|_| after.round.is_some());
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
