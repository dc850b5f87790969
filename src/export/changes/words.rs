//! The words the Markdown and the Word document of a comparison share (and the round's Word
//! report in its section on changes): the title, the summary, what became of a respondent,
//! which answers a question lists and what it says of the rest. How each format marks the
//! removed and added words is its own.

use crate::compare::{
    AnswerChange, ChangeStatus, ChangedQuestion, Comparison, DiffOp, DiffPart, Named, Presence,
    RespondentChange, Side,
};
use crate::export::text::clean;
use crate::round_id::RoundId;

/// The round a side is, or how to speak of it when it is not known.
fn round_of(side: &Side, unknown: &str) -> String {
    side.round
        .map_or_else(|| unknown.to_owned(), |r| r.to_string())
}

/// The earlier round: `2022-T1`, or `den tidigare omgången` (as the spreadsheet names it).
pub(crate) fn before_round(c: &Comparison) -> String {
    round_of(&c.before, "den tidigare omgången")
}

/// The later round: `2022-T2`, or `den senare omgången`.
pub(crate) fn after_round(c: &Comparison) -> String {
    round_of(&c.after, "den senare omgången")
}

/// The comparison's title: `Förändringar 2022-T1 → 2022-T2`; in words when a round is not
/// known.
pub(crate) fn title(c: &Comparison) -> String {
    match (c.before.round, c.after.round) {
        (Some(b), Some(a)) => format!("Förändringar {b} → {a}"),
        _ => format!(
            "Förändringar från {} till {}",
            before_round(c),
            after_round(c)
        ),
    }
}

/// The heading of the round report's section: `Förändringar sedan 2022-T1`, or `sedan förra
/// omgången`.
pub(crate) fn since(c: &Comparison) -> String {
    changes_since(c.before.round)
}

/// What the changes since an earlier round are called wherever they are shown (the round
/// report's section, the web page's links): `Förändringar sedan 2022-T1`, or `Förändringar
/// sedan förra omgången` when the earlier round has no id.
pub fn changes_since(earlier: Option<RoundId>) -> String {
    match earlier {
        Some(r) => format!("Förändringar sedan {r}"),
        None => "Förändringar sedan förra omgången".to_owned(),
    }
}

/// When the later round was made: the comparison's date, as the documents record it (its
/// `generatedAt` when that is an RFC 3339 time).
pub(crate) fn made_at(c: &Comparison) -> Option<jiff::Timestamp> {
    c.after.generated_at.as_deref()?.parse().ok()
}

/// Which questionnaire, and how many forms of each round were compared.
pub(crate) fn intro(c: &Comparison) -> String {
    let q = &c.questionnaire;
    let version = if q.previous_version == q.version {
        format!("version {}", q.version)
    } else {
        format!(
            "version {} (i {}: {})",
            q.version,
            before_round(c),
            q.previous_version
        )
    };
    format!(
        "Enkät {}, {version}. {} formulär i {} jämförs med {} i {}.",
        q.id,
        c.before.submissions,
        before_round(c),
        c.after.submissions,
        after_round(c)
    )
}

/// The summary's lines: how many answers of each status (of the respondents in both rounds),
/// then how many respondents are in both rounds, appeared and disappeared (as the
/// spreadsheet's summary names them).
pub(crate) fn summary_rows(c: &Comparison) -> Vec<(String, usize)> {
    let s = &c.summary;
    let mut rows: Vec<(String, usize)> = ChangeStatus::ALL
        .iter()
        .map(|st| (st.label().to_owned(), s.of(*st)))
        .collect();
    rows.extend([
        ("Svarande i båda omgångarna".to_owned(), s.in_both),
        (format!("Bara i {} (nya)", after_round(c)), s.appeared),
        (
            format!("Bara i {} (försvunna)", before_round(c)),
            s.disappeared,
        ),
    ]);
    rows
}

/// What the answer counts and the questions' lists are of, when a respondent came or went: the
/// respondents in both rounds. One that came or went rewrote nothing.
pub(crate) fn counts_note(c: &Comparison) -> Option<&'static str> {
    (c.summary.appeared + c.summary.disappeared > 0).then_some(
        "Antalen svar gäller de svarande som finns i båda omgångarna, och det är deras svar som \
         står under frågorna: den som är ny eller har försvunnit har inte ändrat något.",
    )
}

/// What the overview says when every respondent has a form in both rounds.
pub(crate) const SAME_RESPONDENTS: &str = "Samma svarande i båda omgångarna.";

/// What the summary says of the forms whose respondent is unknown, when there are any.
pub(crate) fn unknown_forms(c: &Comparison) -> Option<String> {
    let part = |n: usize, round: String| (n > 0).then(|| format!("{n} i {round}"));
    let parts: Vec<String> = [
        part(c.before.unresolved, before_round(c)),
        part(c.after.unresolved, after_round(c)),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "Formulär med okänd avsändare jämförs inte: {}.",
            parts.join(", ")
        )
    })
}

/// The heading over the respondents who appeared, disappeared or were renamed.
pub(crate) const RESPONDENTS_HEADING: &str = "Tillkomna och försvunna";

/// The respondents whose presence changed between the rounds (appeared, disappeared,
/// renamed), each with what became of it.
pub(crate) fn presence_changes(c: &Comparison) -> Vec<(&RespondentChange, String)> {
    c.respondents
        .iter()
        .filter_map(|r| Some((r, presence(c, r)?)))
        .collect()
}

/// What became of a respondent between the rounds, with the registry's dates when they fall
/// between the rounds; `None` when it has a form in both under one name.
pub(crate) fn presence(c: &Comparison, r: &RespondentChange) -> Option<String> {
    let (before, after) = (before_round(c), after_round(c));
    let (mut says, others, how) = match r.presence {
        Presence::Both => return None,
        Presence::Renamed => {
            let old = r.previous.as_ref().map_or(r.id.as_str(), |p| &p.label);
            return Some(format!(
                "Hette {old} i {before}; svaren jämförs över namnbytet."
            ));
        }
        Presence::Appeared => (
            match &r.started {
                Some(day) => format!("Ny från {day}"),
                None => silent_in(&before, r.missing_in_other),
            },
            &r.predecessors,
            "tog över efter",
        ),
        Presence::Disappeared => (
            match &r.ended {
                Some(day) => format!("Upphörde efter {day}"),
                None => silent_in(&after, r.missing_in_other),
            },
            &r.successors,
            "uppgick i",
        ),
    };
    if !others.is_empty() {
        says += &format!(", {how} {}", names(others));
    }
    says.push('.');
    Some(says)
}

/// A respondent that existed in `round` and sent no form there: expected there or not.
fn silent_in(round: &str, expected: bool) -> String {
    if expected {
        format!("Lämnade inget formulär i {round}, fast det väntades")
    } else {
        format!("Inget formulär i {round}")
    }
}

/// Names as Swedish lists them: `A`, `A och B`, `A, B och C`.
fn names(named: &[Named]) -> String {
    let labels: Vec<&str> = named.iter().map(|n| n.label.as_str()).collect();
    match labels.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} och {last}", rest.join(", ")),
    }
}

/// The answers a question lists: the new, changed and removed ones of the respondents with a
/// form in both rounds, in their order. One that came or went rewrote nothing: its answers
/// would all read as new or removed, and the overview says what became of it.
pub(crate) fn listed<'q>(
    c: &'q Comparison,
    q: &'q ChangedQuestion,
) -> impl Iterator<Item = &'q AnswerChange> {
    q.answers.iter().filter(|a| {
        matches!(
            a.status,
            ChangeStatus::New | ChangeStatus::Changed | ChangeStatus::Removed
        ) && in_both(c, &a.respondent_id)
    })
}

/// Whether the respondent has a form in both rounds (under one name or two).
fn in_both(c: &Comparison, id: &str) -> bool {
    c.respondents
        .iter()
        .any(|r| r.id == id && matches!(r.presence, Presence::Both | Presence::Renamed))
}

/// What a question says of the answers it does not list: how many are unchanged (and of them
/// returned as prefilled), or that nothing changed or nobody answered; `None` when there is
/// nothing to say.
pub(crate) fn rest_of(c: &Comparison, q: &ChangedQuestion) -> Option<String> {
    let unchanged = q
        .answers
        .iter()
        .filter(|a| a.status == ChangeStatus::Unchanged);
    let carried = unchanged.clone().filter(|a| a.carried_over).count();
    let unchanged = unchanged.count();
    let none_listed = listed(c, q).next().is_none();
    let mut says = match (unchanged, none_listed) {
        (0, true) if c.summary.in_both == 0 => return None,
        // Someone who came or went may have answered; those in both did not.
        (0, true)
            if q.answers
                .iter()
                .any(|a| a.status != ChangeStatus::Unanswered) =>
        {
            return Some("Obesvarad av dem som finns i båda omgångarna.".into());
        }
        (0, true) => return Some("Obesvarad i båda omgångarna.".into()),
        (0, false) => return None,
        (1, true) => "Inga förändringar: 1 oförändrat svar".to_owned(),
        (n, true) => format!("Inga förändringar: {n} oförändrade svar"),
        (n, false) => format!("Oförändrade svar: {n}"),
    };
    match carried {
        0 => {}
        1 => says += " (1 återlämnat som förifyllt)",
        n => says += &format!(" ({n} återlämnade som förifyllda)"),
    }
    says.push('.');
    Some(says)
}

/// A new or removed answer as the documents quote it: [cleaned](clean), without the empty lines
/// before and after it, and at most one empty line in a row (a thousand line breaks would be
/// pages of nothing).
pub(crate) fn quoted(text: &str) -> String {
    let text = clean(text);
    let mut lines: Vec<&str> = Vec::new();
    for line in text
        .trim_matches(|c: char| c == '\n' || c == '\r')
        .split('\n')
    {
        let blank = line.trim().is_empty();
        if blank && lines.last().is_some_and(|l| l.trim().is_empty()) {
            continue;
        }
        lines.push(if blank { "" } else { line });
    }
    lines.join("\n")
}

/// A line of a changed answer as the reports mark it: pieces in both answers (`Same`, white
/// space included) and words removed or added, which never start or end with white space (a
/// mark on a space reads as a mark on nothing, and Markdown's `**` must touch a word to
/// count). Words removed right before words added are kept apart by a space. A line break
/// inside a changed piece ends the line: each format closes its marks there and opens them
/// again on the next.
pub(crate) type MarkedLine = Vec<(DiffOp, String)>;

/// A changed answer's word difference, line by line, [cleaned](clean); lines with nothing on
/// them left out.
pub(crate) fn marked_lines(diff: &[DiffPart]) -> Vec<MarkedLine> {
    let mut lines: Vec<MarkedLine> = vec![Vec::new()];
    for part in diff {
        let text = clean(&part.text);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            let current = lines.last_mut().expect("one line at least");
            mark(current, part.op, line);
        }
    }
    lines.retain(|l| l.iter().any(|(_, t)| !t.trim().is_empty()));
    lines
}

/// Adds a piece to a line: a changed one with its white space outside the mark.
fn mark(line: &mut MarkedLine, op: DiffOp, text: &str) {
    let words = text.trim();
    if op == DiffOp::Same || words.is_empty() {
        plain(line, text);
        return;
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    plain(line, lead);
    if lead.is_empty() && matches!(line.last(), Some((o, _)) if *o != DiffOp::Same) {
        plain(line, " ");
    }
    line.push((op, words.to_owned()));
    plain(line, trail);
}

/// Adds text in both answers to a line.
fn plain(line: &mut MarkedLine, text: &str) {
    if text.is_empty() {
        return;
    }
    match line.last_mut() {
        Some((DiffOp::Same, t)) => t.push_str(text),
        _ => line.push((DiffOp::Same, text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::testing::sample;

    fn presence_of(c: &Comparison, id: &str) -> Option<String> {
        presence(c, c.respondents.iter().find(|r| r.id == id).unwrap())
    }

    #[test]
    fn a_respondent_s_presence_says_mergers_renamings_and_forms_not_sent() {
        let c = sample();
        assert_eq!(
            presence_of(&c, "norra-innerstaden-sdn").unwrap(),
            "Ny från 2023-07-01, tog över efter Norrmalms stadsdelsnämnd och Östermalms stadsdelsnämnd."
        );
        assert_eq!(
            presence_of(&c, "ostermalm-sdn").unwrap(),
            "Upphörde efter 2023-06-30, uppgick i Norra innerstadens stadsdelsnämnd."
        );
        assert_eq!(
            presence_of(&c, "bromma-sdn").unwrap(),
            "Lämnade inget formulär i 2023-T1, fast det väntades."
        );
        assert_eq!(
            presence_of(&c, "nya-sdn").unwrap(),
            "Hette Gamla stadsdelsnämnden i 2023-T1; svaren jämförs över namnbytet."
        );
        assert_eq!(presence_of(&c, "farsta-sdn"), None);
        assert_eq!(presence_changes(&c).len(), 5);
    }

    #[test]
    fn a_question_counts_what_it_does_not_list() {
        let c = sample();
        let question = |id: &str| {
            c.areas
                .iter()
                .flat_map(|a| &a.questions)
                .find(|q| q.question_id == id)
                .unwrap()
        };
        let q = question("vaxla-upp-stockholm");
        assert_eq!(listed(&c, q).count(), 0);
        assert_eq!(
            rest_of(&c, q).unwrap(),
            "Inga förändringar: 1 oförändrat svar (1 återlämnat som förifyllt)."
        );
        let q = question("samverkan-lokalt-naringsliv");
        // Farsta's change; not the answers of those who came (Norra innerstaden, Bromma) or
        // went (Östermalm, Norrmalm), nor Kungsholmen's unchanged one.
        let ids: Vec<&str> = listed(&c, q).map(|a| a.respondent_id.as_str()).collect();
        assert_eq!(ids, ["farsta-sdn"]);
        // The renamed committee's change is listed.
        let ids: Vec<&str> = listed(&c, question("sbr-foretagsdialog"))
            .map(|a| a.respondent_id.as_str())
            .collect();
        assert_eq!(ids, ["nya-sdn"]);
        assert_eq!(rest_of(&c, q).unwrap(), "Oförändrade svar: 1.");
        assert_eq!(
            rest_of(&c, question("sbr-hallbar-tillvaxt")).unwrap(),
            "Obesvarad i båda omgångarna."
        );
        // Only Bromma, new in the later round, answers it.
        let mut bromma_only = c.clone();
        for a in bromma_only.areas.iter_mut().flat_map(|a| &mut a.questions) {
            if a.question_id == "verksamhetsomraden" {
                for x in &mut a.answers {
                    x.status = if x.respondent_id == "bromma-sdn" {
                        ChangeStatus::New
                    } else {
                        ChangeStatus::Unanswered
                    };
                }
            }
        }
        let q = bromma_only
            .areas
            .iter()
            .flat_map(|a| &a.questions)
            .find(|q| q.question_id == "verksamhetsomraden")
            .unwrap();
        assert_eq!(
            rest_of(&bromma_only, q).unwrap(),
            "Obesvarad av dem som finns i båda omgångarna."
        );
        assert_eq!(
            unknown_forms(&c).unwrap(),
            "Formulär med okänd avsändare jämförs inte: 1 i 2023-T2."
        );
    }

    #[test]
    fn a_quoted_answer_has_no_runs_of_empty_lines() {
        let text = format!(
            "{}Mening ett.\n\n\n\nMening två.{}",
            "\n".repeat(3000),
            "\n".repeat(9)
        );
        assert_eq!(quoted(&text), "Mening ett.\n\nMening två.");
        assert_eq!(quoted("En rad.\nNästa rad."), "En rad.\nNästa rad.");
    }

    #[test]
    fn marks_wrap_words_not_spaces_and_end_with_each_line() {
        let part = |op, text: &str| DiffPart {
            op,
            text: text.into(),
        };
        let lines = marked_lines(&[
            part(DiffOp::Same, "Vi har "),
            part(DiffOp::Removed, "12 "),
            part(DiffOp::Added, "15\nnya "),
            part(DiffOp::Same, "rader."),
        ]);
        let same = |t: &str| (DiffOp::Same, t.to_owned());
        assert_eq!(
            lines,
            [
                vec![
                    same("Vi har "),
                    (DiffOp::Removed, "12".into()),
                    same(" "),
                    (DiffOp::Added, "15".into())
                ],
                vec![(DiffOp::Added, "nya".into()), same(" rader.")],
            ]
        );
        // Removed and added words that touch get a space between them.
        let lines = marked_lines(&[part(DiffOp::Removed, "a"), part(DiffOp::Added, "b")]);
        assert_eq!(
            lines,
            [vec![
                (DiffOp::Removed, "a".into()),
                same(" "),
                (DiffOp::Added, "b".into())
            ]]
        );
    }
}
