// The page of one respondent (`#/svar/<id>`, or `#/formular/<sha256>` for a form that names
// no respondent): every answer under its question, the warnings, the contact, the file it came
// from, and the earlier forms it replaced. All of it from the round (GET /api/v1/round) and its
// status (GET /api/v1/status), already fetched for the overview.

import { badge, el, errorText, fill, when } from './text.js';
import { warningList } from './upload.js';

const STANDING = {
  complete: 'Har svarat på alla frågor.',
  incomplete: 'Har svarat, men inte på alla frågor.',
  notSubmitted: 'Inget formulär har kommit in.',
  formFailed: 'Formulär har kommit in men kunde inte läsas.',
};

/** Shows the respondent `key` (`{id}` or `{sha256}`) into `view`; false when it is unknown. */
export function showRespondent(view, key, round, st) {
  const found = find(key, round, st);
  if (!found) {
    fill(view, back(),
      el('h1', { tabindex: '-1' }, 'Svarande saknas'),
      el('p', {}, 'Ingen svarande eller inget formulär med den adressen finns i rundan. Det kan ha ersatts av ett senare formulär.'),
      back());
    return;
  }
  const { respondent, submission, standing } = found;
  const labelOf = (id) => (st.questions.find((q) => q.id === id) || { label: label(round, id) }).label;
  fill(view, back(),
    el('h1', { tabindex: '-1' }, respondent ? respondent.label : (submission.source.file || 'Formulär')),
    el('p', { class: 'standing' }, STANDING[standing ? standing.status : 'complete'] || ''),
    facts(respondent, submission),
    failedForms(standing),
    submission ? section('Varningar', warningList(submission.warnings, labelOf)
      || el('p', { class: 'empty' }, 'Inga varningar.')) : null,
    submission ? answers(submission, round) : null,
    submission ? unmapped(submission) : null,
    submission ? comments(submission, labelOf) : null,
    superseded(key, round),
    back());
}

function find(key, round, st) {
  if (key.id) {
    const standing = st.respondents.find((r) => r.id === key.id) || null;
    // A respondent whose only forms could not be read is in the status, not in the round.
    const respondent = round.respondents.find((r) => r.id === key.id) || standing;
    if (!respondent) return null;
    const sha = respondent.source && respondent.source.sha256;
    const submission = sha ? round.submissions.find((s) => s.source.sha256 === sha) : null;
    return { respondent, submission, standing };
  }
  const submission = round.submissions.find((s) => s.source.sha256 === key.sha256);
  if (!submission) return null;
  return { respondent: null, submission, standing: null };
}

function label(round, id) {
  for (const area of round.areas || []) {
    for (const q of area.questions || []) {
      if (q.questionId === id) return q.question;
    }
  }
  return id;
}

function back() {
  return el('p', { class: 'back' }, el('a', { href: '#/' }, '← Till översikten'));
}

function section(title, ...content) {
  return el('section', { class: 'panel' }, el('h2', {}, title), content);
}

/** The file, when it was saved, and the contact. */
function facts(respondent, s) {
  const rows = [];
  const add = (term, ...value) => rows.push(el('dt', {}, term), el('dd', {}, value));
  if (s) {
    add('Formulär', s.source.file || '(utan namn)');
    if (s.source.modified) add('Sparat i Word', when(s.source.modified));
    if (s.round) add('Runda', s.round);
  }
  const c = (respondent && respondent.contact) || (s && s.contact);
  if (s && s.redacted) {
    add('Kontakt', 'Kontaktuppgifterna är borttagna.');
  } else if (c) {
    add('Kontakt', [
      c.name ? el('span', { class: 'line' }, c.name) : null,
      c.phone ? el('span', { class: 'line' }, el('a', { href: `tel:${c.phone.replace(/\s/g, '')}` }, c.phone)) : null,
      c.email ? el('span', { class: 'line' }, el('a', { href: `mailto:${encodeURIComponent(c.email)}` }, c.email)) : null,
    ]);
  }
  return rows.length ? el('dl', { class: 'facts' }, rows) : null;
}

function failedForms(standing) {
  if (!standing || !standing.failedForms.length) return null;
  return section('Formulär som inte kunde läsas', el('ul', {}, standing.failedForms.map((f) => {
    const t = errorText(f.code);
    return el('li', {}, el('strong', {}, f.path), ': ',
      t ? `${t.title}. ${t.action || ''}` : f.reason, ' ', el('span', { class: 'code' }, `(${f.code})`));
  })));
}

/** Every answer under its question, by area. */
function answers(s, round) {
  const titles = new Map((round.areas || []).map((a) => [a.number, a.title]));
  const groups = [];
  for (const a of s.answers) {
    const last = groups[groups.length - 1];
    if (last && last.area === a.area) last.answers.push(a);
    else groups.push({ area: a.area, answers: [a] });
  }
  return el('section', { class: 'panel answers', 'aria-labelledby': 'svar-rubrik' },
    el('h2', { id: 'svar-rubrik' }, 'Svaren'),
    groups.map((g) => el('div', { class: 'area' },
      el('h3', {}, g.area ? `${g.area}. ${titles.get(g.area) || ''}` : 'Övrigt'),
      g.answers.map((a) => el('article', { class: 'answer' },
        el('h4', {}, a.question), badge(a.status), answerBody(a))))));
}

/** An answer's text as it was written: paragraphs, lists and tables, line breaks kept. */
export function answerBody(a) {
  if (a.status !== 'answered' && !a.text) return null;
  if (!a.blocks || !a.blocks.length) return el('p', { class: 'text' }, a.text);
  const out = [];
  let items = null;
  for (const b of a.blocks) {
    if (b.kind === 'listItem') {
      if (!items) out.push(items = el('ul', { class: 'text' }));
      items.append(el('li', { class: `level-${Math.min(b.level, 4)}` }, b.text));
      continue;
    }
    items = null;
    if (b.kind === 'table') {
      out.push(el('div', { class: 'table-wrap' }, el('table', { class: 'text' },
        el('tbody', {}, b.rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))))));
    } else if (b.kind === 'note') {
      out.push(el('p', { class: 'text note' }, b.note === 'endnote' ? 'Slutnot: ' : 'Fotnot: ', b.text));
    } else {
      out.push(el('p', { class: 'text' }, b.text));
    }
  }
  return el('div', { class: 'body' }, out);
}

function unmapped(s) {
  if (!s.unmapped.length) return null;
  return section('Text som inte hör till någon fråga',
    el('p', {}, 'Det här skrev den svarande utanför frågorna, eller som ett extra svar. Inget har tagits bort.'),
    s.unmapped.map((u) => el('article', { class: 'answer' },
      u.question ? el('h3', {}, u.question) : null, answerBody({ status: 'answered', ...u }))));
}

function comments(s, labelOf) {
  if (!s.comments.length) return null;
  return section('Kommentarer i formuläret', el('ul', { class: 'comments' }, s.comments.map((c) => el('li', {},
    el('p', { class: 'meta' }, [c.author, when(c.date), c.questionId ? labelOf(c.questionId) : null]
      .filter(Boolean).join(' · ')),
    el('p', { class: 'text' }, c.text)))));
}

/** The earlier forms this respondent's later one replaced, each with its answers. */
function superseded(key, round) {
  const earlier = (round.superseded || []).filter((x) => key.id && x.respondentId === key.id);
  if (!earlier.length) return null;
  return section('Tidigare formulär som har ersatts', earlier.map((x) => {
    const s = x.submission;
    return el('details', { class: 'superseded' },
      el('summary', {}, `${s.source.file || '(utan namn)'}`,
        s.source.modified ? `, sparat ${when(s.source.modified)}` : '',
        `; ersatt av ${x.supersededBy.file || 'ett senare formulär'}`),
      s.answers.map((a) => el('article', { class: 'answer' },
        el('h3', {}, a.question), badge(a.status), answerBody(a))));
  }));
}
