// Handing in forms: files dropped on the drop zone or chosen with the file input are sent to
// POST /api/v1/forms one request per file, two at a time, so that each file's result shows
// as soon as it is known and a burst of files cannot hold up the rest of the page.

import { Failure, request } from './api.js';
import { count, el, errorText, fill, warningText } from './text.js';

// How many files are sent at once: the server converts a few at a time anyway.
const AT_ONCE = 2;

/**
 * Wires the drop zone and the file input. `labelOf(questionId)` names a question for a
 * warning; `stored()` is called after each form the server stored.
 */
export function setUpUpload({ labelOf, stored }) {
  const input = document.getElementById('files');
  const drop = document.getElementById('drop');
  input.addEventListener('change', () => {
    send([...input.files], { labelOf, stored });
    input.value = '';
  });
  // A file dropped beside the zone would make the browser open it and leave the page.
  for (const type of ['dragover', 'drop']) {
    document.addEventListener(type, (e) => e.preventDefault());
  }
  drop.addEventListener('dragenter', () => drop.classList.add('over'));
  drop.addEventListener('dragover', (e) => {
    e.dataTransfer.dropEffect = 'copy';
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', (e) => {
    if (!drop.contains(e.relatedTarget)) drop.classList.remove('over');
  });
  drop.addEventListener('drop', (e) => {
    drop.classList.remove('over');
    const files = [...(e.dataTransfer ? e.dataTransfer.files : [])];
    if (files.length) send(files, { labelOf, stored });
  });
}

// Files waiting to be sent, and how far the current batch has come.
const queue = [];
const batch = { total: 0, done: 0, stored: 0, failed: 0, running: 0 };

function send(files, ctx) {
  if (!files.length) return;
  if (batch.running === 0 && queue.length === 0) {
    Object.assign(batch, { total: 0, done: 0, stored: 0, failed: 0 });
  }
  document.getElementById('results-empty').hidden = true;
  // The newest files first, each batch in the order chosen.
  const items = files.map((file) => {
    const item = el('li', { class: 'result waiting' },
      el('p', { class: 'result-head' }, el('span', { class: 'file' }, file.name), ' ',
        el('span', { class: 'state' }, 'väntar…')));
    queue.push({ file, item });
    return item;
  });
  document.getElementById('results').prepend(...items);
  batch.total += files.length;
  progress();
  while (batch.running < AT_ONCE && queue.length) next(ctx);
}

async function next(ctx) {
  const job = queue.shift();
  if (!job) return;
  batch.running += 1;
  job.item.querySelector('.state').textContent = 'läses…';
  progress();
  const body = new FormData();
  body.append('file', job.file, job.file.name);
  try {
    const res = await request('/api/v1/forms', { method: 'POST', body });
    showStored(job.item, job.file.name, res.body, ctx.labelOf);
    batch.stored += 1;
    ctx.stored();
  } catch (e) {
    showFailed(job.item, job.file.name, e);
    batch.failed += 1;
  }
  batch.running -= 1;
  batch.done += 1;
  progress();
  if (queue.length) next(ctx);
}

function progress() {
  const p = document.getElementById('progress');
  if (batch.done < batch.total) {
    p.textContent = `Läser ${Math.min(batch.done + 1, batch.total)} av ${batch.total}…`;
  } else if (batch.total) {
    const parts = [];
    if (batch.stored) parts.push(count(batch.stored, 'formulär inläst', 'formulär inlästa'));
    if (batch.failed) parts.push(`${count(batch.failed, 'fil', 'filer')} kunde inte läsas`);
    p.textContent = `Klart: ${parts.join(', ')}.`;
  }
}

/** A stored form: its respondent, round, counts and warnings. */
function showStored(item, name, r, labelOf) {
  item.className = 'result ok';
  const who = r.respondent ? r.respondent.committee : 'Okänd svarande';
  const c = r.counts || {};
  const link = r.respondent
    ? el('a', { href: `#/svar/${encodeURIComponent(r.respondent.id)}` }, 'Visa svaren')
    : null;
  fill(item,
    el('p', { class: 'result-head' },
      el('span', { class: 'icon', 'aria-hidden': 'true' }, '✓'), ' ',
      el('span', { class: 'file' }, name), ' ', el('span', { class: 'state' }, 'inläst')),
    el('p', {}, el('strong', {}, who), r.round ? `, ${r.round}` : ', runda okänd', ': ',
      `${count(c.answered || 0, 'besvarad', 'besvarade')}, `,
      `${count(c.unanswered || 0, 'obesvarad', 'obesvarade')}, `,
      `${c.missing || 0} saknas i formuläret.`, link ? ' ' : '', link),
    warningList(r.warnings || [], labelOf));
}

/** The warnings of a form in Swedish, each with the question it concerns. */
export function warningList(warnings, labelOf) {
  if (!warnings.length) return null;
  return el('ul', { class: 'warnings', 'aria-label': 'Varningar' }, warnings.map((w) => {
    const t = warningText(w.code);
    const where = w.questionId ? ` (${labelOf(w.questionId)})` : '';
    return el('li', {},
      el('span', { class: 'icon', 'aria-hidden': 'true' }, '⚠'), ' ',
      t ? `${t.title}${where}. ${t.meaning || ''}` : `${w.message}${where}`,
      ' ', el('span', { class: 'code' }, `(${w.code})`));
  }));
}

/** A file that was not stored: the one-line reason, what to do, and the code. */
function showFailed(item, name, e) {
  item.className = 'result failed';
  const p = e instanceof Failure ? e.problem : null;
  const known = p && p.code ? errorText(p.code) : null;
  fill(item,
    el('p', { class: 'result-head' },
      el('span', { class: 'icon', 'aria-hidden': 'true' }, '✗'), ' ',
      el('span', { class: 'file' }, name), ' ', el('span', { class: 'state' }, 'kunde inte läsas')),
    known
      ? [el('p', {}, el('strong', {}, known.title), known.meaning ? `: ${known.meaning}` : ''),
        known.action ? el('p', {}, el('strong', {}, 'Gör så här: '), known.action) : null]
      : el('p', {}, e.message),
    p && p.code ? el('p', { class: 'code' }, `Felkod: ${p.code}`) : null,
    p && !known && p.detail ? el('p', { class: 'detail' }, `Serverns besked: ${p.detail}`) : null);
}
