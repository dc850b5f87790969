// The overview of the round: the summary line, the legend, and the completeness matrix
// (a row per respondent, a numbered column per question, each cell the status's symbol and
// colour as the exports show it), from GET /api/v1/status, with the questions' full text from
// GET /api/v1/round.

import { STATUSES, el, fill, list, roundWords, status } from './text.js';

/** Each question's full text by id, from the round's areas. */
export function questionTexts(round) {
  const texts = new Map();
  for (const area of (round && round.areas) || []) {
    for (const q of area.questions || []) texts.set(q.questionId, q.question);
  }
  return texts;
}

/** Shows the round's title, summary, legend, matrix and question key. */
export function showOverview(st, round) {
  const texts = questionTexts(round);
  const words = roundWords(st.round);
  fill(document.getElementById('title'), st.round
    ? `Rundan ${st.round}${words !== st.round ? ` – ${words}` : ''}`
    : 'Rundan (okänd)');
  fill(document.getElementById('summary'), summary(st));
  showLegend(st);
  showMatrix(st, texts);
  showKey(st, texts);
}

function summary(st) {
  const c = st.counts;
  if (!c.respondents) return 'Inga formulär ännu.';
  const parts = [
    [c.complete, 'har svarat på allt'],
    [c.incomplete, 'har svarat på en del'],
    [c.notSubmitted, 'har inte skickat in'],
    [c.formFailed, 'har skickat formulär som inte kunde läsas'],
  ].filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  const text = `${c.respondents} svarande: ${list(parts)}.`;
  return st.roundUnknown
    ? `${text} Rundan är okänd, så ingen räknas som väntad: starta servern med --round (till exempel 2022-T1) för att se vilka som inte har svarat.`
    : text;
}

function showLegend(st) {
  const shown = STATUSES.filter((s) => s !== 'formFailed' || st.counts.formFailed > 0);
  fill(document.getElementById('legend'), shown.map((code) => {
    const s = status(code);
    return el('li', {},
      el('span', { class: `cell-sample st-${code}`, 'aria-hidden': 'true' }, s.symbol), ' ',
      el('strong', {}, s.label), s.meaning ? el('span', { class: 'meaning' }, ` – ${s.meaning}`) : '');
  }));
}

/** The header of question `i`: its number, with its label for screen readers and a tooltip. */
function questionHeader(q, i, texts) {
  const full = texts.get(q.id);
  return el('th', { scope: 'col', class: 'q', title: `${i + 1}. ${q.label}${full ? `: ${full}` : ''}` },
    el('span', { 'aria-hidden': 'true' }, String(i + 1)),
    el('span', { class: 'sr-only' }, `Fråga ${i + 1}: ${q.label}`));
}

function showMatrix(st, texts) {
  const table = document.getElementById('matrix');
  const empty = document.getElementById('matrix-empty');
  const wrap = document.getElementById('matrix-area');
  const none = st.respondents.length === 0;
  empty.hidden = !none;
  wrap.hidden = none;
  if (none) {
    empty.textContent = 'Inga formulär ännu. Dra hit formulär under ”Lämna in formulär”, så syns här vilka som har svarat på vad.';
    return;
  }
  fill(table.tHead, el('tr', {},
    el('th', { scope: 'col', class: 'who' }, 'Svarande'),
    st.questions.map((q, i) => questionHeader(q, i, texts))));
  fill(table.tBodies[0], st.respondents.map((r) => row(r, st.questions)));
}

/** The page of a respondent: by registry id, or by the form's hash when the form names none. */
export function respondentLink(r) {
  if (r.id) return `#/svar/${encodeURIComponent(r.id)}`;
  if (r.source && r.source.sha256) return `#/formular/${r.source.sha256}`;
  return null;
}

function row(r, questions) {
  const href = respondentLink(r);
  // A respondent whose forms could not be read is marked so in every column, as `status` does.
  const failed = r.status === 'formFailed';
  return el('tr', { 'data-respondent': r.id || '', 'data-status': r.status },
    el('th', { scope: 'row', class: 'who' }, href ? el('a', { href }, r.label) : r.label),
    r.cells.map((cell, i) => {
      const code = failed ? 'formFailed' : cell;
      const s = status(code);
      const q = questions[i];
      return el('td', {
        class: `st st-${code}`, 'data-status': code, title: `${q ? q.label : ''}: ${s.label}`,
      }, el('span', { 'aria-hidden': 'true' }, s.symbol), el('span', { class: 'sr-only' }, s.label));
    }));
}

// Beside the matrix on a wide screen the key is open; under it, on a phone, it waits to be asked.
const WIDE = window.matchMedia('(min-width: 64rem)');
document.getElementById('questions').open = WIDE.matches;

function showKey(st, texts) {
  fill(document.getElementById('question-key'), st.questions.map((q) => {
    const full = texts.get(q.id);
    return el('li', {}, el('strong', {}, q.label), q.optional ? ' (frivillig)' : '',
      full && full !== q.label ? el('span', { class: 'full' }, ` – ${full}`) : '');
  }));
}
